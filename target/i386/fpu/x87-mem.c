/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x87 opcode maps D8-DF, memory forms (ModRM < 0xC0): which memory
 * operand each (opcode, reg) pair has, and the loads (FLD, FILD, FBLD,
 * arithmetic and compares with a memory operand, FLDCW) and stores (FST,
 * FIST, FISTTP, FBSTP, FNSTCW, FNSTSW) on operand bytes the CPU fetches
 * or writes.  Stores with an unmasked invalid, overflow, underflow or
 * denormal exception leave memory and the stack unchanged (SDM vol. 1
 * 8.6, 4.9.2).
 *
 * Spec: Intel SDM vol. 2 appendix A.4.1, tables A-7 to A-21 (memory
 * forms); instruction pages for each.
 */
#include <string.h>

#include "target/i386/fpu/x87-int.h"

enum {
    L = X87_MEM_LOAD, S = X87_MEM_STORE,
};

#define LD(n) { L, n, true, false }
#define ST(n) { S, n, true, false }
#define UD { X87_MEM_INVALID, 0, false, false }

static const X87MemInfo mem_table[8][8] = {
    /* D8: m32fp arithmetic */
    { LD(4), LD(4), LD(4), LD(4), LD(4), LD(4), LD(4), LD(4) },
    /* D9: FLD m32, -, FST, FSTP, FLDENV, FLDCW, FNSTENV, FNSTCW */
    { LD(4), UD, ST(4), ST(4), { X87_MEM_LDENV, 0, true, true },
      { L, 2, true, true }, { X87_MEM_STENV, 0, false, true },
      { S, 2, false, true } },
    /* DA: m32int arithmetic */
    { LD(4), LD(4), LD(4), LD(4), LD(4), LD(4), LD(4), LD(4) },
    /* DB: FILD m32, FISTTP, FIST, FISTP, -, FLD m80, -, FSTP m80 */
    { LD(4), ST(4), ST(4), ST(4), UD, LD(10), UD, ST(10) },
    /* DC: m64fp arithmetic */
    { LD(8), LD(8), LD(8), LD(8), LD(8), LD(8), LD(8), LD(8) },
    /* DD: FLD m64, FISTTP m64, FST, FSTP, FRSTOR, -, FNSAVE, FNSTSW */
    { LD(8), ST(8), ST(8), ST(8), { X87_MEM_RSTOR, 0, true, true }, UD,
      { X87_MEM_SAVE, 0, false, true }, { S, 2, false, true } },
    /* DE: m16int arithmetic */
    { LD(2), LD(2), LD(2), LD(2), LD(2), LD(2), LD(2), LD(2) },
    /* DF: FILD m16, FISTTP, FIST, FISTP, FBLD, FILD m64, FBSTP, FISTP m64 */
    { LD(2), ST(2), ST(2), ST(2), LD(10), LD(8), ST(10), ST(8) },
};

X87MemInfo x87_mem_info(uint8_t op, int reg)
{
    if (op < 0xd8) {
        X87MemInfo ud = UD;
        return ud;
    }
    return mem_table[op - 0xd8][reg & 7];
}

static uint64_t get_le(const uint8_t *buf, int n)
{
    uint64_t v = 0;

    for (int i = n - 1; i >= 0; i--) {
        v = (v << 8) | buf[i];
    }
    return v;
}

static void put_le(uint8_t *buf, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        buf[i] = (uint8_t)(v >> (8 * i));
    }
}

/* Memory operand of the arithmetic groups D8/DA/DC/DE as 80 bits. */
static Float80 arith_operand(FpEnv *e, uint8_t op, const uint8_t *buf)
{
    switch (op) {
    case 0xd8:
        return f80_from_f32(e, (uint32_t)get_le(buf, 4));
    case 0xdc:
        return f80_from_f64(e, get_le(buf, 8));
    case 0xda:
        return f80_from_i64((int32_t)get_le(buf, 4));
    default:
        return f80_from_i64((int16_t)get_le(buf, 2));
    }
}

static void fld_value(X87State *s, FpEnv *e, Float80 v, bool snan)
{
    if (!x87_st_empty(s, 7)) {
        x87_push(s, v);    /* stack overflow takes precedence */
        return;
    }
    if (snan) {
        e->flags |= FP_IE;
        v.mant |= 1ull << 62;
    }
    x87_set_c1(s, false);
    x87_raise(s, e->flags);
    /* An unmasked DE still loads (the value is exact); IE does not. */
    if (e->flags & ~s->fcw & FP_IE) {
        return;
    }
    x87_push(s, v);
}

void x87_exec_mem_load(X87State *s, uint8_t op, int reg, const uint8_t *buf)
{
    FpEnv e = x87_env(s);
    uint32_t m32 = (uint32_t)get_le(buf, 4);
    uint64_t m64 = get_le(buf, 8);

    reg &= 7;
    if (!(op & 1)) {
        Float80 v = arith_operand(&e, op, buf);
        /* DE of a denormal m32/m64 counts only if the operation runs. */
        e.denormal_arg = (e.flags & FP_DE) ? 2 : 0;
        e.flags &= (uint16_t)~FP_DE;
        x87_arith_env(s, &e, (X87Arith)reg, 0, v, false, false);
        return;
    }
    switch (((op & 7) << 3) | reg) {
    case 0x08: /* D9 /0 FLD m32fp */
        fld_value(s, &e, f80_from_f32(&e, m32), f32_is_snan(m32));
        break;
    case 0x0d: /* D9 /5 FLDCW */
        x87_set_fcw(s, (uint16_t)get_le(buf, 2));
        break;
    case 0x18: /* DB /0 FILD m32int */
        fld_value(s, &e, f80_from_i64((int32_t)m32), false);
        break;
    case 0x1d: /* DB /5 FLD m80fp */
        fld_value(s, &e, (Float80){ m64, (uint16_t)get_le(buf + 8, 2) },
                  false);
        break;
    case 0x28: /* DD /0 FLD m64fp */
        fld_value(s, &e, f80_from_f64(&e, m64), f64_is_snan(m64));
        break;
    case 0x38: /* DF /0 FILD m16int */
        fld_value(s, &e, f80_from_i64((int16_t)get_le(buf, 2)), false);
        break;
    case 0x3c: /* DF /4 FBLD */
        fld_value(s, &e, f80_from_bcd(m64, (uint16_t)get_le(buf + 8, 2)),
                  false);
        break;
    case 0x3d: /* DF /5 FILD m64int */
        fld_value(s, &e, f80_from_i64((int64_t)m64), false);
        break;
    default:
        break;
    }
}

/* Convert ST(0) for a store of kind @k; false if the store is dropped. */
enum { K_F32, K_F64, K_F80, K_I16, K_I32, K_I64, K_T16, K_T32, K_T64,
       K_BCD };

static bool store_value(X87State *s, int k, uint8_t *buf)
{
    static const uint8_t size[] = { 4, 8, 10, 2, 4, 8, 2, 4, 8, 10 };
    static const uint8_t bits[] = { [K_I16] = 16, [K_I32] = 32, [K_I64] = 64,
                                    [K_T16] = 16, [K_T32] = 32, [K_T64] = 64 };
    FpEnv e = x87_env(s);
    Float80 v = x87_st(s, 0);
    uint64_t lo = 0;
    uint16_t hi = 0;

    x87_set_c1(s, false);
    if (x87_st_empty(s, 0)) {
        if (!x87_stack_fault(s, false)) {
            return false;
        }
        v = f80_indefinite;
    }
    switch (k) {
    case K_F32:
        lo = f80_to_f32(&e, v);
        break;
    case K_F64:
        lo = f80_to_f64(&e, v);
        break;
    case K_F80:
        lo = v.mant;
        hi = v.se;
        break;
    case K_BCD:
        f80_to_bcd(&e, v, &lo, &hi);
        break;
    default:
        lo = (uint64_t)f80_to_int(&e, v, bits[k], k >= K_T16);
        break;
    }
    if (e.flags & ~s->fcw & (FP_OE | FP_UE)) {
        /* Unmasked overflow/underflow on a store: nothing is stored, and
         * the rounding (PE, C1) is not reported. */
        x87_raise(s, e.flags & ~(FP_PE | FP_C1));
        x87_set_c1(s, false);
        return false;
    }
    x87_set_c1(s, e.flags & FP_C1);
    if (!x87_raise(s, e.flags)) {
        x87_set_c1(s, false);
        return false;
    }
    put_le(buf, lo, size[k] > 8 ? 8 : size[k]);
    if (size[k] == 10) {
        put_le(buf + 8, hi, 2);
    }
    return true;
}

static bool store_pop(X87State *s, int k, uint8_t *buf, bool pop)
{
    if (!store_value(s, k, buf)) {
        return false;
    }
    if (pop) {
        x87_pop(s);
    }
    return true;
}

bool x87_exec_mem_store(X87State *s, uint8_t op, int reg, uint8_t *buf)
{
    switch (((op & 7) << 3) | (reg & 7)) {
    case 0x0a: return store_pop(s, K_F32, buf, false);  /* D9 /2 FST */
    case 0x0b: return store_pop(s, K_F32, buf, true);   /* D9 /3 FSTP */
    case 0x0f:                                          /* D9 /7 FNSTCW */
        put_le(buf, s->fcw, 2);
        return true;
    case 0x19: return store_pop(s, K_T32, buf, true);   /* DB /1 FISTTP */
    case 0x1a: return store_pop(s, K_I32, buf, false);  /* DB /2 FIST */
    case 0x1b: return store_pop(s, K_I32, buf, true);   /* DB /3 FISTP */
    case 0x1f: return store_pop(s, K_F80, buf, true);   /* DB /7 FSTP m80 */
    case 0x29: return store_pop(s, K_T64, buf, true);   /* DD /1 FISTTP */
    case 0x2a: return store_pop(s, K_F64, buf, false);  /* DD /2 FST */
    case 0x2b: return store_pop(s, K_F64, buf, true);   /* DD /3 FSTP */
    case 0x2f:                                          /* DD /7 FNSTSW */
        put_le(buf, x87_fsw(s), 2);
        return true;
    case 0x39: return store_pop(s, K_T16, buf, true);   /* DF /1 FISTTP */
    case 0x3a: return store_pop(s, K_I16, buf, false);  /* DF /2 FIST */
    case 0x3b: return store_pop(s, K_I16, buf, true);   /* DF /3 FISTP */
    case 0x3e: return store_pop(s, K_BCD, buf, true);   /* DF /6 FBSTP */
    case 0x3f: return store_pop(s, K_I64, buf, true);   /* DF /7 FISTP */
    default:
        return false;
    }
}
