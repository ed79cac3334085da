/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Differential test of the 80-bit soft-float core against the host's x87
 * (real hardware): FADD, FSUB, FMUL, FDIV, FSQRT, FRNDINT, FST m32/m64,
 * FIST m16/m32/m64, FISTTP, FBSTP, FLD m32/m64 over random and edge
 * operands, every rounding mode and precision control.  Compares result
 * bits and FSW bits IE DE ZE OE UE PE and C1 (all exceptions masked).
 */
#include <glib.h>
#include <string.h>

#include "target/i386/fpu/softfloat.h"
#include "tests/unit/cpu/fpu/fp-gen.h"

#define ITER     120000
#define SW_CHECK 0x023f

typedef struct __attribute__((packed)) HostF80 {
    uint64_t m;
    uint16_t se;
} HostF80;

enum {
    OPK_ADD,
    OPK_SUB,
    OPK_MUL,
    OPK_DIV,
    OPK_SQRT,
    OPK_RNDINT,
    OPK_PREM,
    OPK_PREM1,
    OPK_SCALE,
    OPK_XTRACT
};

/*
 * The host's x87 runs each operation under control word @cw with all
 * exceptions masked; one asm statement per operand shape, the instruction
 * picked by comparing @op against the OPK_* values inside it (an asm
 * template cannot take the mnemonic as a run-time argument).
 */
static uint16_t host_binary(int op, uint16_t cw, HostF80 a, HostF80 b,
                            HostF80 *r)
{
    uint16_t sw;

    asm volatile("fninit; fldcw %[cw]; fldt %[b]; fldt %[a]\n\t"
                 "cmpl %[add], %[op]; jne 1f; fadd %%st(1), %%st; jmp 9f\n"
                 "1: cmpl %[sub], %[op]; jne 2f; fsub %%st(1), %%st; jmp 9f\n"
                 "2: cmpl %[mul], %[op]; jne 3f; fmul %%st(1), %%st; jmp 9f\n"
                 "3: cmpl %[div], %[op]; jne 4f; fdiv %%st(1), %%st; jmp 9f\n"
                 "4: cmpl %[prem], %[op]; jne 5f; fprem; jmp 9f\n"
                 "5: cmpl %[prem1], %[op]; jne 6f; fprem1; jmp 9f\n"
                 "6: fscale\n"
                 "9: fnstsw %[sw]; fstpt %[r]; fstp %%st(0)"
                 : [r] "=m"(*r), [sw] "=m"(sw)
                 : [a] "m"(a), [b] "m"(b), [cw] "m"(cw), [op] "r"(op),
                   [add] "i"(OPK_ADD), [sub] "i"(OPK_SUB), [mul] "i"(OPK_MUL),
                   [div] "i"(OPK_DIV), [prem] "i"(OPK_PREM),
                   [prem1] "i"(OPK_PREM1)
                 : "cc");
    return sw;
}

/* FSQRT, FRNDINT and FXTRACT (two results: @r the significand, @r2 the
 * exponent; @r2 is left alone for the others). */
static uint16_t host_unary(int op, uint16_t cw, HostF80 a, HostF80 *r,
                           HostF80 *r2)
{
    uint16_t sw;

    asm volatile("fninit; fldcw %[cw]; fldt %[a]\n\t"
                 "cmpl %[sqrt], %[op]; jne 1f; fsqrt; jmp 8f\n"
                 "1: cmpl %[rndint], %[op]; jne 2f; frndint; jmp 8f\n"
                 "2: fxtract; fnstsw %[sw]; fstpt %[r]; fstpt %[r2]; jmp 9f\n"
                 "8: fnstsw %[sw]; fstpt %[r]\n"
                 "9:"
                 : [r] "=m"(*r), [r2] "+m"(*r2), [sw] "=m"(sw)
                 : [a] "m"(a), [cw] "m"(cw), [op] "r"(op),
                   [sqrt] "i"(OPK_SQRT), [rndint] "i"(OPK_RNDINT)
                 : "cc");
    return sw;
}

static uint16_t host_op(int op, uint16_t cw, Float80 a, Float80 b, Float80 *r,
                        Float80 *r2)
{
    HostF80 ha = {a.mant, a.se}, hb = {b.mant, b.se}, hr, hr2 = {0, 0};
    uint16_t sw;

    if (op == OPK_SQRT || op == OPK_RNDINT || op == OPK_XTRACT) {
        sw = host_unary(op, cw, ha, &hr, &hr2);
    } else {
        sw = host_binary(op, cw, ha, hb, &hr);
    }
    r->mant = hr.m;
    r->se = hr.se;
    r2->mant = hr2.m;
    r2->se = hr2.se;
    return sw;
}

static Float80 soft_op(int op, FpEnv *env, Float80 a, Float80 b, Float80 *r2)
{
    unsigned q;
    bool partial;
    Float80 r;

    r2->mant = 0;
    r2->se = 0;
    switch (op) {
    case OPK_PREM:
    case OPK_PREM1:
        r = f80_rem(env, a, b, op == OPK_PREM1, &q, &partial);
        env->flags &= ~FP_C1;
        env->flags |= (q & 4 ? 0x100 : 0) | (q & 2 ? 0x4000 : 0) |
                      (q & 1 ? 0x200 : 0) | (partial ? 0x400 : 0);
        return r;
    case OPK_SCALE:
        return f80_scale(env, a, b);
    case OPK_XTRACT:
        return f80_xtract(env, a, r2);
    case OPK_ADD:
        return f80_add(env, a, b);
    case OPK_SUB:
        return f80_sub(env, a, b);
    case OPK_MUL:
        return f80_mul(env, a, b);
    case OPK_DIV:
        return f80_div(env, a, b);
    case OPK_SQRT:
        return f80_sqrt(env, a);
    default:
        return f80_round_int(env, a);
    }
}

static uint16_t sw_mask(int op)
{
    return op == OPK_PREM || op == OPK_PREM1 ? SW_CHECK | 0x4500 : SW_CHECK;
}

static const uint8_t prec_bits[4] = {24, 64, 53, 64};

static FpEnv env_from_cw(uint16_t cw)
{
    FpEnv e = {.round = (cw >> 10) & 3,
               .prec = prec_bits[(cw >> 8) & 3],
               .masks = cw & 0x3f};
    return e;
}

static void run_op(int op, const char *name)
{
    FpGen g = {0x9e3779b97f4a7c15ull + op};
    Float80 near = {0x8000000000000000ull, 0x3fff};
    unsigned bad = 0;

    for (int i = 0; i < ITER; i++) {
        uint16_t cw = 0x037f | (uint16_t)((i & 3) << 10) |
                      (uint16_t)(((i >> 2) & 3) << 8);
        Float80 a = fpgen_f80(&g, near);
        Float80 b = fpgen_f80(&g, a);
        Float80 hr, sr, hr2, sr2;
        FpEnv env = env_from_cw(cw);
        uint16_t hsw = host_op(op, cw, a, b, &hr, &hr2) & sw_mask(op);

        if (op == OPK_SCALE && (fpgen_next(&g) & 1)) {
            b = f80_from_i64((int64_t)(fpgen_next(&g) % 40000) - 20000);
            hsw = host_op(op, cw, a, b, &hr, &hr2) & sw_mask(op);
        }
        sr = soft_op(op, &env, a, b, &sr2);
        if (hr.mant != sr.mant || hr.se != sr.se || hr2.mant != sr2.mant ||
            hr2.se != sr2.se || hsw != (env.flags & sw_mask(op))) {
            if (bad++ < 8) {
                g_test_message("%s cw=%04x a=%04x:%016llx b=%04x:%016llx: "
                               "host %04x:%016llx sw %03x, soft %04x:%016llx "
                               "sw %03x",
                               name, cw, a.se, (unsigned long long)a.mant, b.se,
                               (unsigned long long)b.mant, hr.se,
                               (unsigned long long)hr.mant, hsw, sr.se,
                               (unsigned long long)sr.mant,
                               env.flags & sw_mask(op));
            }
        }
        near = (i & 1) ? a : hr;
    }
    g_test_message("%s: %d cases, %u mismatches", name, ITER, bad);
    g_assert_cmpuint(bad, ==, 0);
}

static const struct {
    const char *name;
    int op;
} f80_ops[] = {
    { "add", OPK_ADD },         { "sub", OPK_SUB },
    { "mul", OPK_MUL },         { "div", OPK_DIV },
    { "sqrt", OPK_SQRT },       { "frndint", OPK_RNDINT },
    { "fprem", OPK_PREM },      { "fprem1", OPK_PREM1 },
    { "fscale", OPK_SCALE },    { "fxtract", OPK_XTRACT },
};

static void test_op(gconstpointer p)
{
    int i = GPOINTER_TO_INT(p);

    run_op(f80_ops[i].op, f80_ops[i].name);
}

enum {
    CV_ST32,
    CV_ST64,
    CV_IST16,
    CV_IST32,
    CV_IST64,
    CV_ISTT16,
    CV_ISTT32,
    CV_ISTT64,
    CV_BST,
    CV_LD32,
    CV_LD64
};

/* FST m32/m64, FIST(P) m16/m32/m64, FISTTP, FBSTP: one asm statement,
 * the store picked by @op as in host_binary().  The 10-byte buffer takes
 * every width; what a narrower store leaves stays zero. */
static uint16_t host_store(int op, uint16_t cw, HostF80 a, uint64_t *out,
                           uint16_t *out_hi)
{
    struct __attribute__((packed)) {
        uint64_t lo;
        uint16_t hi;
    } o = {0, 0};
    uint16_t sw;

    asm volatile("fninit; fldcw %[cw]; fldt %[a]\n\t"
                 "cmpl %[st32], %[op]; jne 1f; fstps %[o]; jmp 9f\n"
                 "1: cmpl %[st64], %[op]; jne 2f; fstpl %[o]; jmp 9f\n"
                 "2: cmpl %[ist16], %[op]; jne 3f; fistps %[o]; jmp 9f\n"
                 "3: cmpl %[ist32], %[op]; jne 4f; fistpl %[o]; jmp 9f\n"
                 "4: cmpl %[ist64], %[op]; jne 5f; fistpll %[o]; jmp 9f\n"
                 "5: cmpl %[istt16], %[op]; jne 6f; fisttps %[o]; jmp 9f\n"
                 "6: cmpl %[istt32], %[op]; jne 7f; fisttpl %[o]; jmp 9f\n"
                 "7: cmpl %[istt64], %[op]; jne 8f; fisttpll %[o]; jmp 9f\n"
                 "8: fbstp %[o]\n"
                 "9: fnstsw %[sw]"
                 : [o] "+m"(o), [sw] "=m"(sw)
                 : [a] "m"(a), [cw] "m"(cw), [op] "r"(op),
                   [st32] "i"(CV_ST32), [st64] "i"(CV_ST64),
                   [ist16] "i"(CV_IST16), [ist32] "i"(CV_IST32),
                   [ist64] "i"(CV_IST64), [istt16] "i"(CV_ISTT16),
                   [istt32] "i"(CV_ISTT32), [istt64] "i"(CV_ISTT64)
                 : "cc");
    *out = o.lo;
    *out_hi = o.hi;
    return sw;
}

/* FLD m32 (the low half of @in) or m64 (all of it). */
static uint16_t host_load(int op, uint16_t cw, uint64_t in, Float80 *ld)
{
    HostF80 hr;
    uint16_t sw;

    asm volatile("fninit; fldcw %[cw]\n\t"
                 "cmpl %[ld32], %[op]; jne 1f; flds %[i]; jmp 9f\n"
                 "1: fldl %[i]\n"
                 "9: fnstsw %[sw]; fstpt %[r]"
                 : [r] "=m"(hr), [sw] "=m"(sw)
                 : [i] "m"(in), [cw] "m"(cw), [op] "r"(op),
                   [ld32] "i"(CV_LD32)
                 : "cc");
    ld->mant = hr.m;
    ld->se = hr.se;
    return sw;
}

static uint16_t host_conv(int op, uint16_t cw, Float80 a, uint64_t in,
                          uint64_t *out, uint16_t *out_hi, Float80 *ld)
{
    HostF80 ha = {a.mant, a.se};

    if (op == CV_LD32 || op == CV_LD64) {
        *out = 0;
        return host_load(op, cw, in, ld);
    }
    return host_store(op, cw, ha, out, out_hi);
}

static uint64_t soft_conv(int op, FpEnv *env, Float80 a, uint64_t in,
                          uint16_t *out_hi, Float80 *ld)
{
    static const uint64_t mask[] = {
        [CV_IST16] = 0xffff,  [CV_IST32] = 0xffffffff,  [CV_IST64] = ~0ull,
        [CV_ISTT16] = 0xffff, [CV_ISTT32] = 0xffffffff, [CV_ISTT64] = ~0ull};
    static const int bits[] = {
        [CV_IST16] = 16,  [CV_IST32] = 32,  [CV_IST64] = 64,
        [CV_ISTT16] = 16, [CV_ISTT32] = 32, [CV_ISTT64] = 64};
    uint64_t lo;

    switch (op) {
    case CV_ST32:
        return f80_to_f32(env, a);
    case CV_ST64:
        return f80_to_f64(env, a);
    case CV_BST:
        f80_to_bcd(env, a, &lo, out_hi);
        return lo;
    case CV_LD32:
        *ld = f80_from_f32(env, (uint32_t)in);
        if (f32_is_snan((uint32_t)in)) {
            env->flags |= FP_IE;
            ld->mant |= 1ull << 62;
        }
        return 0;
    case CV_LD64:
        *ld = f80_from_f64(env, in);
        if (f64_is_snan(in)) {
            env->flags |= FP_IE;
            ld->mant |= 1ull << 62;
        }
        return 0;
    default:
        return (uint64_t)f80_to_int(env, a, bits[op], op >= CV_ISTT16) &
               mask[op];
    }
}

static void run_conv(int op, const char *name)
{
    FpGen g = {0x51ed270b27aa6c35ull + op};
    Float80 near = {0x8000000000000000ull, 0x3fff};
    unsigned bad = 0;

    for (int i = 0; i < ITER; i++) {
        uint16_t cw = 0x037f | (uint16_t)((i & 3) << 10) |
                      (uint16_t)(((i >> 2) & 3) << 8);
        Float80 a = fpgen_f80(&g, near);
        uint64_t in = op == CV_LD32 ? fpgen_f32(&g, 0x3f800000)
                                    : fpgen_f64(&g, 0x3ff0000000000000ull);
        Float80 hl = {0, 0}, sl = {0, 0};
        uint16_t hhi = 0, shi = 0;
        uint64_t ho, so;
        FpEnv env = env_from_cw(cw);
        uint16_t hsw = host_conv(op, cw, a, in, &ho, &hhi, &hl) & SW_CHECK;

        so = soft_conv(op, &env, a, in, &shi, &sl);
        if (ho != so || hhi != shi || hl.mant != sl.mant || hl.se != sl.se ||
            hsw != (env.flags & SW_CHECK)) {
            if (bad++ < 8) {
                g_test_message(
                    "%s cw=%04x a=%04x:%016llx in=%016llx: "
                    "host %04x:%016llx %04x:%016llx sw %03x, "
                    "soft %04x:%016llx %04x:%016llx sw %03x",
                    name, cw, a.se, (unsigned long long)a.mant,
                    (unsigned long long)in, hhi, (unsigned long long)ho, hl.se,
                    (unsigned long long)hl.mant, hsw, shi,
                    (unsigned long long)so, sl.se, (unsigned long long)sl.mant,
                    env.flags & SW_CHECK);
            }
        }
        if ((i & 7) == 0) {
            near = f80_make(0, 0x3fff + (fpgen_next(&g) % 70), 1ull << 63);
        } else if (op == CV_BST && (i & 1)) {
            near = f80_make(0, 0x4039, 0xDE0B6B3A763FFFFull << 4);
        } else {
            near = a;
        }
    }
    g_test_message("%s: %d cases, %u mismatches", name, ITER, bad);
    g_assert_cmpuint(bad, ==, 0);
}

static const char *const conv_names[] = {
    "fst-m32",  "fst-m64",    "fist-m16",   "fist-m32",
    "fist-m64", "fisttp-m16", "fisttp-m32", "fisttp-m64",
    "fbstp",    "fld-m32",    "fld-m64",
};

static void test_conv(gconstpointer p)
{
    int op = GPOINTER_TO_INT(p);

    run_conv(op, conv_names[op]);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();
    for (int i = 0; i < (int)G_N_ELEMENTS(f80_ops); i++) {
        g_autofree char *path =
            g_strdup_printf("/cpu/fpu/f80/%s", f80_ops[i].name);
        g_test_add_data_func(path, GINT_TO_POINTER(i), test_op);
    }
    for (int i = 0; i <= CV_LD64; i++) {
        g_autofree char *path =
            g_strdup_printf("/cpu/fpu/f80/%s", conv_names[i]);
        g_test_add_data_func(path, GINT_TO_POINTER(i), test_conv);
    }
    return g_test_run();
}
