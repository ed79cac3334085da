/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Transcendental x87 instructions against the host x87: F2XM1, FYL2X,
 * FYL2XP1, FPATAN, FSIN, FCOS, FPTAN.  The x87 documents these as
 * accurate to within 1 ulp (SDM vol. 1 8.3.10), not correctly rounded, so
 * the test measures: results must be bit-identical for special operands
 * and within 1 ulp otherwise; the counts of identical and 1-ulp results
 * are reported.  Exception flags other than PE/C1 must match.
 */
#include <glib.h>

#include "target/i386/fpu/softfloat.h"
#include "tests/unit/cpu/fpu/fp-gen.h"

#define ITER 40000

typedef struct __attribute__((packed)) HostF80 {
    uint64_t m;
    uint16_t se;
} HostF80;

enum { T_F2XM1, T_FYL2X, T_FYL2XP1, T_FPATAN, T_FSIN, T_FCOS, T_FPTAN };

static uint16_t host(int op, uint16_t cw, Float80 a, Float80 b, Float80 *r)
{
    HostF80 ha = { a.mant, a.se }, hb = { b.mant, b.se }, hr;
    uint16_t sw;

#define TWO(insn) \
    asm volatile("fninit; fldcw %[cw]; fldt %[b]; fldt %[a]; " insn "; " \
                 "fnstsw %[sw]; fstpt %[r]" \
                 : [r] "=m"(hr), [sw] "=m"(sw) \
                 : [a] "m"(ha), [b] "m"(hb), [cw] "m"(cw))
#define ONE(insn) \
    asm volatile("fninit; fldcw %[cw]; fldt %[a]; " insn "; " \
                 "fnstsw %[sw]; fstpt %[r]" \
                 : [r] "=m"(hr), [sw] "=m"(sw) \
                 : [a] "m"(ha), [cw] "m"(cw))
    switch (op) {
    case T_F2XM1:
        ONE("f2xm1");
        break;
    case T_FYL2X:
        TWO("fyl2x");
        break;
    case T_FYL2XP1:
        TWO("fyl2xp1");
        break;
    case T_FPATAN:
        TWO("fpatan");
        break;
    case T_FSIN:
        ONE("fsin");
        break;
    case T_FCOS:
        ONE("fcos");
        break;
    default:
        /* FPTAN pushes 1.0: store tan from ST(1). */
        asm volatile("fninit; fldcw %[cw]; fldt %[a]; fptan; fnstsw %%ax; "
                     "mov %%ax, %[sw]; test $0x400, %%ax; jnz 1f; "
                     "fstp %%st(0); 1: fstpt %[r]"
                     : [r] "=m"(hr), [sw] "=m"(sw)
                     : [a] "m"(ha), [cw] "m"(cw) : "ax");
        break;
    }
    r->mant = hr.m;
    r->se = hr.se;
    return sw;
}

static Float80 soft(int op, FpEnv *e, Float80 a, Float80 b, bool *oor)
{
    *oor = false;
    switch (op) {
    case T_F2XM1:
        return f80_f2xm1(e, a);
    case T_FYL2X:
        return f80_yl2x(e, a, b);
    case T_FYL2XP1:
        return f80_yl2xp1(e, a, b);
    case T_FPATAN:
        return f80_atan2(e, b, a);
    case T_FSIN:
        return f80_sin(e, a, oor);
    case T_FCOS:
        return f80_cos(e, a, oor);
    default:
        return f80_tan(e, a, oor);
    }
}

/* An operand in the instruction's domain, or an edge value. */
static Float80 operand(FpGen *g, int op, bool second)
{
    uint64_t r = fpgen_next(g);
    Float80 near = { 0x8000000000000000ull, 0x3fff };

    if (r % 8 == 0) {
        return fpgen_f80(g, near);                /* anything */
    }
    uint64_t m = fpgen_next(g) | (1ull << 63);
    bool sign = (r >> 8) & 1;
    int e;
    if (second) {
        e = 0x3fff + (int)((r >> 16) % 64) - 32;
        return f80_make(sign, (uint16_t)e, m);
    }
    switch (op) {
    case T_F2XM1:
        e = 0x3fff - 1 - (int)((r >> 16) % 70);
        break;
    case T_FYL2X:
        sign = false;
        e = 0x3fff + (int)((r >> 16) % 200) - 100;
        break;
    case T_FYL2XP1:
        e = 0x3fff - 2 - (int)((r >> 16) % 70);
        break;
    case T_FPATAN:
        e = 0x3fff + (int)((r >> 16) % 80) - 40;
        break;
    default:
        e = 0x3fff + (int)((r >> 16) % 90) - 40;
        break;
    }
    return f80_make(sign, (uint16_t)e, m);
}

static int64_t ulp_diff(Float80 a, Float80 b)
{
    if (a.se != b.se) {
        if ((a.se & 0x7fff) + 1 == (b.se & 0x7fff) ||
            (b.se & 0x7fff) + 1 == (a.se & 0x7fff)) {
            return 1;   /* across a binade: close enough to count as 1 */
        }
        return INT64_MAX;
    }
    return a.mant > b.mant ? (int64_t)(a.mant - b.mant) :
           (int64_t)(b.mant - a.mant);
}

static void run(int op, const char *name)
{
    FpGen g = { 0x6a09e667f3bcc909ull + op };
    unsigned exact = 0, one = 0, bad = 0;

    for (int i = 0; i < ITER; i++) {
        uint16_t cw = 0x007f | (uint16_t)((i & 3) << 10) |
                      (uint16_t)(((i >> 2) & 3) << 8);
        Float80 a = operand(&g, op, false), b = operand(&g, op, true);
        Float80 hr, sr;
        static const uint8_t pcs[4] = { 24, 64, 53, 64 };
        FpEnv e = { .round = (uint8_t)(i & 3), .prec = pcs[(i >> 2) & 3],
                    .masks = 0x3f };
        bool oor;
        uint16_t hsw = host(op, cw, a, b, &hr);

        sr = soft(op, &e, a, b, &oor);
        if (oor) {
            sr = a;
            e.flags |= 0x400;
        }
        uint16_t hf = hsw & 0x41f, sf = e.flags & 0x41f;
        int64_t d = ulp_diff(hr, sr);
        if (d == 0 && hf == sf) {
            exact++;
        } else if (d <= 1 && (hf & ~FP_UE) == (sf & ~FP_UE)) {
            one++;
        } else if (bad++ < 6) {
            g_test_message("%s rc=%d a=%04x:%016llx b=%04x:%016llx host "
                           "%04x:%016llx sw %03x soft %04x:%016llx sw %03x",
                           name, i & 3, a.se, (unsigned long long)a.mant,
                           b.se, (unsigned long long)b.mant, hr.se,
                           (unsigned long long)hr.mant, hsw & 0x47f, sr.se,
                           (unsigned long long)sr.mant, e.flags & 0x47f);
        }
    }
    g_test_message("%s: %d cases: %u identical, %u within 1 ulp, %u worse",
                   name, ITER, exact, one, bad);
    g_assert_cmpuint(bad, ==, 0);
}

static const char *const names[] = {
    "f2xm1", "fyl2x", "fyl2xp1", "fpatan", "fsin", "fcos", "fptan",
};

static void test_one(gconstpointer p)
{
    run(GPOINTER_TO_INT(p), names[GPOINTER_TO_INT(p)]);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();
    for (int i = 0; i <= T_FPTAN; i++) {
        g_autofree char *path = g_strdup_printf("/cpu/fpu/x87-trans/%s",
                                                names[i]);
        g_test_add_data_func(path, GINT_TO_POINTER(i), test_one);
    }
    return g_test_run();
}
