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

static uint16_t host_op(int op, uint16_t cw, Float80 a, Float80 b, Float80 *r,
                        Float80 *r2)
{
    HostF80 ha = {a.mant, a.se}, hb = {b.mant, b.se}, hr, hr2 = {0, 0};
    uint16_t sw;

    switch (op) {
    case OPK_ADD:
        asm volatile(
            "fninit; fldcw %[cw]; fldt %[b]; fldt %[a]; "
            "fadd %%st(1), %%st; fnstsw %[sw]; fstpt %[r]; fstp %%st(0)"
            : [r] "=m"(hr), [sw] "=m"(sw)
            : [a] "m"(ha), [b] "m"(hb), [cw] "m"(cw));
        break;
    case OPK_SUB:
        asm volatile(
            "fninit; fldcw %[cw]; fldt %[b]; fldt %[a]; "
            "fsub %%st(1), %%st; fnstsw %[sw]; fstpt %[r]; fstp %%st(0)"
            : [r] "=m"(hr), [sw] "=m"(sw)
            : [a] "m"(ha), [b] "m"(hb), [cw] "m"(cw));
        break;
    case OPK_MUL:
        asm volatile(
            "fninit; fldcw %[cw]; fldt %[b]; fldt %[a]; "
            "fmul %%st(1), %%st; fnstsw %[sw]; fstpt %[r]; fstp %%st(0)"
            : [r] "=m"(hr), [sw] "=m"(sw)
            : [a] "m"(ha), [b] "m"(hb), [cw] "m"(cw));
        break;
    case OPK_DIV:
        asm volatile(
            "fninit; fldcw %[cw]; fldt %[b]; fldt %[a]; "
            "fdiv %%st(1), %%st; fnstsw %[sw]; fstpt %[r]; fstp %%st(0)"
            : [r] "=m"(hr), [sw] "=m"(sw)
            : [a] "m"(ha), [b] "m"(hb), [cw] "m"(cw));
        break;
    case OPK_SQRT:
        asm volatile("fninit; fldcw %[cw]; fldt %[a]; "
                     "fsqrt; fnstsw %[sw]; fstpt %[r]"
                     : [r] "=m"(hr), [sw] "=m"(sw)
                     : [a] "m"(ha), [cw] "m"(cw));
        break;
    case OPK_RNDINT:
        asm volatile("fninit; fldcw %[cw]; fldt %[a]; "
                     "frndint; fnstsw %[sw]; fstpt %[r]"
                     : [r] "=m"(hr), [sw] "=m"(sw)
                     : [a] "m"(ha), [cw] "m"(cw));
        break;
    case OPK_PREM:
        asm volatile("fninit; fldcw %[cw]; fldt %[b]; fldt %[a]; "
                     "fprem; fnstsw %[sw]; fstpt %[r]; fstp %%st(0)"
                     : [r] "=m"(hr), [sw] "=m"(sw)
                     : [a] "m"(ha), [b] "m"(hb), [cw] "m"(cw));
        break;
    case OPK_PREM1:
        asm volatile("fninit; fldcw %[cw]; fldt %[b]; fldt %[a]; "
                     "fprem1; fnstsw %[sw]; fstpt %[r]; fstp %%st(0)"
                     : [r] "=m"(hr), [sw] "=m"(sw)
                     : [a] "m"(ha), [b] "m"(hb), [cw] "m"(cw));
        break;
    case OPK_SCALE:
        asm volatile("fninit; fldcw %[cw]; fldt %[b]; fldt %[a]; "
                     "fscale; fnstsw %[sw]; fstpt %[r]; fstp %%st(0)"
                     : [r] "=m"(hr), [sw] "=m"(sw)
                     : [a] "m"(ha), [b] "m"(hb), [cw] "m"(cw));
        break;
    default:
        asm volatile("fninit; fldcw %[cw]; fldt %[a]; "
                     "fxtract; fnstsw %[sw]; fstpt %[r]; fstpt %[r2]"
                     : [r] "=m"(hr), [r2] "=m"(hr2), [sw] "=m"(sw)
                     : [a] "m"(ha), [cw] "m"(cw));
        break;
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

static void test_add(void)
{
    run_op(OPK_ADD, "fadd");
}
static void test_sub(void)
{
    run_op(OPK_SUB, "fsub");
}
static void test_mul(void)
{
    run_op(OPK_MUL, "fmul");
}
static void test_div(void)
{
    run_op(OPK_DIV, "fdiv");
}
static void test_sqrt(void)
{
    run_op(OPK_SQRT, "fsqrt");
}
static void test_rndint(void)
{
    run_op(OPK_RNDINT, "frndint");
}
static void test_prem(void)
{
    run_op(OPK_PREM, "fprem");
}
static void test_prem1(void)
{
    run_op(OPK_PREM1, "fprem1");
}
static void test_scale(void)
{
    run_op(OPK_SCALE, "fscale");
}
static void test_xtract(void)
{
    run_op(OPK_XTRACT, "fxtract");
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

static uint16_t host_conv(int op, uint16_t cw, Float80 a, uint64_t in,
                          uint64_t *out, uint16_t *out_hi, Float80 *ld)
{
    HostF80 ha = {a.mant, a.se}, hr;
    uint16_t sw = 0;
    uint64_t o = 0;
    struct __attribute__((packed)) {
        uint64_t lo;
        uint16_t hi;
    } bcd;

    switch (op) {
    case CV_ST32:
        asm volatile("fninit; fldcw %[cw]; fldt %[a]; fstps %[o]; fnstsw %[sw]"
                     : [o] "=m"(*(uint32_t *)&o), [sw] "=m"(sw)
                     : [a] "m"(ha), [cw] "m"(cw));
        break;
    case CV_ST64:
        asm volatile("fninit; fldcw %[cw]; fldt %[a]; fstpl %[o]; fnstsw %[sw]"
                     : [o] "=m"(o), [sw] "=m"(sw)
                     : [a] "m"(ha), [cw] "m"(cw));
        break;
    case CV_IST16:
        asm volatile("fninit; fldcw %[cw]; fldt %[a]; fistps %[o]; fnstsw %[sw]"
                     : [o] "=m"(*(uint16_t *)&o), [sw] "=m"(sw)
                     : [a] "m"(ha), [cw] "m"(cw));
        break;
    case CV_IST32:
        asm volatile("fninit; fldcw %[cw]; fldt %[a]; fistpl %[o]; fnstsw %[sw]"
                     : [o] "=m"(*(uint32_t *)&o), [sw] "=m"(sw)
                     : [a] "m"(ha), [cw] "m"(cw));
        break;
    case CV_IST64:
        asm volatile(
            "fninit; fldcw %[cw]; fldt %[a]; fistpll %[o]; fnstsw %[sw]"
            : [o] "=m"(o), [sw] "=m"(sw)
            : [a] "m"(ha), [cw] "m"(cw));
        break;
    case CV_ISTT16:
        asm volatile(
            "fninit; fldcw %[cw]; fldt %[a]; fisttps %[o]; fnstsw %[sw]"
            : [o] "=m"(*(uint16_t *)&o), [sw] "=m"(sw)
            : [a] "m"(ha), [cw] "m"(cw));
        break;
    case CV_ISTT32:
        asm volatile(
            "fninit; fldcw %[cw]; fldt %[a]; fisttpl %[o]; fnstsw %[sw]"
            : [o] "=m"(*(uint32_t *)&o), [sw] "=m"(sw)
            : [a] "m"(ha), [cw] "m"(cw));
        break;
    case CV_ISTT64:
        asm volatile(
            "fninit; fldcw %[cw]; fldt %[a]; fisttpll %[o]; fnstsw %[sw]"
            : [o] "=m"(o), [sw] "=m"(sw)
            : [a] "m"(ha), [cw] "m"(cw));
        break;
    case CV_BST:
        asm volatile("fninit; fldcw %[cw]; fldt %[a]; fbstp %[o]; fnstsw %[sw]"
                     : [o] "=m"(bcd), [sw] "=m"(sw)
                     : [a] "m"(ha), [cw] "m"(cw));
        o = bcd.lo;
        *out_hi = bcd.hi;
        break;
    case CV_LD32:
        asm volatile("fninit; fldcw %[cw]; flds %[i]; fnstsw %[sw]; fstpt %[r]"
                     : [r] "=m"(hr), [sw] "=m"(sw)
                     : [i] "m"(*(uint32_t *)&in), [cw] "m"(cw));
        ld->mant = hr.m;
        ld->se = hr.se;
        break;
    default:
        asm volatile("fninit; fldcw %[cw]; fldl %[i]; fnstsw %[sw]; fstpt %[r]"
                     : [r] "=m"(hr), [sw] "=m"(sw)
                     : [i] "m"(in), [cw] "m"(cw));
        ld->mant = hr.m;
        ld->se = hr.se;
        break;
    }
    *out = o;
    return sw;
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
    g_test_add_func("/cpu/fpu/f80/add", test_add);
    g_test_add_func("/cpu/fpu/f80/sub", test_sub);
    g_test_add_func("/cpu/fpu/f80/mul", test_mul);
    g_test_add_func("/cpu/fpu/f80/div", test_div);
    g_test_add_func("/cpu/fpu/f80/sqrt", test_sqrt);
    g_test_add_func("/cpu/fpu/f80/frndint", test_rndint);
    g_test_add_func("/cpu/fpu/f80/fprem", test_prem);
    g_test_add_func("/cpu/fpu/f80/fprem1", test_prem1);
    g_test_add_func("/cpu/fpu/f80/fscale", test_scale);
    g_test_add_func("/cpu/fpu/f80/fxtract", test_xtract);
    for (int i = 0; i <= CV_LD64; i++) {
        g_autofree char *path =
            g_strdup_printf("/cpu/fpu/f80/%s", conv_names[i]);
        g_test_add_data_func(path, GINT_TO_POINTER(i), test_conv);
    }
    return g_test_run();
}
