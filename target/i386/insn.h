/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decoder tables and the decoded instruction.
 *
 * An X86OpcodeEntry is one row of an opcode map as the SDM prints it
 * (vol. 2D appendix A): a handler and up to three operands written with the
 * SDM's addressing-method letters (A.2.1) and operand-size letters (A.2.2).
 * The decoder turns bytes plus an entry into an X86Insn, whose operands are
 * already resolved to "register at this offset", "memory" or "immediate"
 * with a fixed size, so handlers only hold semantics and use the generic
 * x86_op_read()/x86_op_write() below.
 */
#ifndef TARGET_I386_INSN_H
#define TARGET_I386_INSN_H

#include "target/i386/cpu.h"
#include "target/i386/mem.h"

typedef void (*X86ExecFn)(X86CPU *cpu, const X86Insn *insn);

/* Addressing methods (SDM A.2.1) plus fixed registers and constants. */
typedef enum X86OpMethod {
    OPM_NONE = 0,
    OPM_E,      /* ModRM r/m: register or memory */
    OPM_G,      /* ModRM reg: general register */
    OPM_I,      /* immediate */
    OPM_J,      /* relative offset (immediate added to next EIP) */
    OPM_M,      /* ModRM r/m, memory only */
    OPM_R,      /* ModRM r/m, register only */
    OPM_S,      /* ModRM reg: segment register (value = index) */
    OPM_O,      /* moffs: absolute offset in the instruction */
    OPM_Z,      /* register in the low 3 opcode bits (+REX.B) */
    OPM_REG,    /* a fixed general register (.reg) */
    OPM_ONE,    /* the constant 1 (shift by one) */
    OPM_C,      /* ModRM reg: control register (value = index) */
    OPM_D,      /* ModRM reg: debug register (value = index) */
    OPM_A,      /* far pointer ptr16:16/32 */
} X86OpMethod;

/* Operand sizes (SDM A.2.2). */
typedef enum X86OpSizeCode {
    SZ_B = 1,   /* byte */
    SZ_W,       /* word */
    SZ_D,       /* doubleword */
    SZ_Q,       /* quadword */
    SZ_V,       /* word, doubleword or quadword by operand size */
    SZ_Z,       /* word for 16-bit, doubleword for 32/64-bit operand size */
    SZ_BS,      /* byte, sign-extended to the operand size */
    SZ_Y,       /* doubleword, or quadword with REX.W */
    SZ_P,       /* far pointer: 16:16 or 16:32 */
} X86OpSizeCode;

typedef struct X86OpSpec {
    uint8_t method;     /* X86OpMethod */
    uint8_t size;       /* X86OpSizeCode */
    uint8_t reg;        /* OPM_REG: register number */
} X86OpSpec;

/* Where an entry is valid. */
enum { MODE_ANY = 0, MODE_NO64, MODE_64ONLY };

/* Extra decode properties. */
#define X86_F_DEF64    0x01u    /* operand size 64 by default in long mode */
#define X86_F_FORCE64  0x02u    /* operand size always 64 in long mode */
#define X86_F_END      0x04u    /* ends the block (branch, mode change) */
#define X86_F_MODRM    0x08u    /* has a ModRM byte even without E/G/M/R */
#define X86_F_BYTEOP   0x10u    /* imm/size letters apply to bytes only */
#define X86_F_STRING   0x20u    /* REP prefixes apply */
#define X86_F_NOMEM    0x40u    /* forced register form (mod ignored) */

typedef struct X86OpcodeEntry X86OpcodeEntry;
struct X86OpcodeEntry {
    X86ExecFn exec;
    X86OpSpec op[3];
    bool lock_ok;               /* LOCK allowed with a memory destination */
    uint8_t mode;               /* MODE_* */
    uint8_t flags;              /* X86_F_* */
    uint32_t cpuid;             /* feature bit required (cpuid.c) */
    uint16_t undef_flags;       /* flags the SDM leaves undefined */
    const X86OpcodeEntry *group;    /* 8 rows indexed by ModRM.reg */
    const X86OpcodeEntry *prefixed; /* 4 rows: none, 66, F3, F2 */
    const X86OpcodeEntry *alt64;    /* the row used in 64-bit mode */
};

/* Resolved operand kinds. */
enum { OPK_NONE = 0, OPK_REG, OPK_MEM, OPK_IMM };

typedef struct X86Operand {
    uint8_t kind;       /* OPK_* */
    uint8_t size;       /* bytes */
    uint16_t reg;       /* OPK_REG: byte offset into cpu->regs; also the
                           plain register/segment/CR number for S, C, D */
} X86Operand;

/*
 * A decoded instruction.  Memory operands are base + (index << scale) +
 * disp, masked to the address size, in segment .seg; R_ZERO stands for an
 * absent base or index and R_RIP for RIP-relative addressing.
 */
struct X86Insn {
    X86ExecFn exec;
    X86Operand op[3];
    uint8_t len;
    uint8_t opsize;     /* 2, 4 or 8 */
    uint8_t addrsize;   /* 2, 4 or 8 */
    uint8_t seg;        /* effective segment of the memory operand */
    uint8_t base, index, scale;
    uint8_t rep;        /* 0, 0xf3 (REP/REPE) or 0xf2 (REPNE) */
    uint8_t lock;
    uint8_t modrm_reg;  /* ModRM.reg field (groups, extensions) */
    uint8_t modrm;      /* the whole ModRM byte */
    uint8_t opcode;     /* last opcode byte */
    uint8_t map;        /* 0 one-byte, 1 = 0F, 2 = 0F38, 3 = 0F3A */
    uint8_t rex;
    uint8_t prefix66;
    uint8_t end_block;  /* branch or mode change: last of its block */
    uint8_t flat64;     /* 64-bit code: no limit checks, base only */
    uint16_t off;       /* offset from the start of its block */
    uint16_t imm2;      /* ENTER level, far pointer selector */
    uint16_t next_off;  /* off + len: where the next instruction starts */
    int32_t disp;
    uint64_t imm;
    uint64_t amask;     /* address-size mask */
};

/* Decoding (decode.c). */
#define X86_MAX_INSN_LEN 15
enum { DEC_OK = 0, DEC_UD, DEC_GP, DEC_SHORT };
int x86_decode(X86CPU *cpu, const uint8_t *bytes, unsigned avail,
               unsigned code_size, X86Insn *insn);
void x86_exec_ud(X86CPU *cpu, const X86Insn *insn);

/* Effective address of the memory operand. */
static inline uint64_t x86_insn_ea(X86CPU *cpu, const X86Insn *i)
{
    return (cpu->regs[i->base] + (cpu->regs[i->index] << i->scale) +
            (int64_t)i->disp) & i->amask;
}

static inline __attribute__((always_inline)) uint64_t x86_reg_read(X86CPU *cpu, unsigned off, unsigned size)
{
    return x86_host_ld(x86_reg_ptr(cpu, off), size);
}

/* Register writes: 32-bit results zero-extend (SDM vol. 1 3.4.1.1). */
static inline __attribute__((always_inline)) void x86_reg_write(X86CPU *cpu, unsigned off, uint64_t val,
                                 unsigned size)
{
    uint8_t *p = x86_reg_ptr(cpu, off);
    switch (size) {
    case 1: *p = val; break;
    case 2: { uint16_t v = val; memcpy(p, &v, 2); break; }
    case 4: *(uint64_t *)p = (uint32_t)val; break;
    default: *(uint64_t *)p = val; break;
    }
}

#define X86_INLINE static inline __attribute__((always_inline))

/* Memory operands take the out-of-line path (ops-mem.c) so the register
 * and immediate forms stay short. */
uint64_t x86_op_read_mem(X86CPU *cpu, const X86Insn *i, int n);
uint64_t x86_op_read_mem_rmw(X86CPU *cpu, const X86Insn *i, int n);
void x86_op_write_mem(X86CPU *cpu, const X86Insn *i, int n, uint64_t val,
                      bool reuse_ea);

X86_INLINE uint64_t x86_op_read(X86CPU *cpu, const X86Insn *i, int n)
{
    const X86Operand *o = &i->op[n];
    if (likely(o->kind == OPK_REG)) {
        return x86_reg_read(cpu, o->reg, o->size);
    }
    if (o->kind == OPK_MEM) {
        return x86_op_read_mem(cpu, i, n);
    }
    return i->imm;
}

/*
 * Read operand @n for a read-modify-write: the write permission is checked
 * first so a fault leaves memory and registers unchanged.
 */
X86_INLINE uint64_t x86_op_read_rmw(X86CPU *cpu, const X86Insn *i, int n)
{
    if (unlikely(i->op[n].kind == OPK_MEM)) {
        return x86_op_read_mem_rmw(cpu, i, n);
    }
    return x86_op_read(cpu, i, n);
}

/* Write operand @n; a memory operand reuses the address computed by the
 * preceding read of the same instruction when @reuse_ea is set. */
X86_INLINE void x86_op_write_ea(X86CPU *cpu, const X86Insn *i, int n,
                                uint64_t val, bool reuse_ea)
{
    const X86Operand *o = &i->op[n];
    if (likely(o->kind == OPK_REG)) {
        x86_reg_write(cpu, o->reg, val, o->size);
    } else {
        x86_op_write_mem(cpu, i, n, val, reuse_ea);
    }
}

X86_INLINE void x86_op_write(X86CPU *cpu, const X86Insn *i, int n,
                             uint64_t val)
{
    x86_op_write_ea(cpu, i, n, val, true);
}

X86_INLINE void x86_op_store(X86CPU *cpu, const X86Insn *i, int n,
                             uint64_t val)
{
    x86_op_write_ea(cpu, i, n, val, false);
}

/* Lazy flags: record an operation (flags.c computes on demand). */
static inline void x86_cc_set(X86CPU *cpu, unsigned op, unsigned size,
                              uint64_t a, uint64_t b, uint64_t r)
{
    cpu->cc_op = op;
    cpu->cc_size = size;
    cpu->cc_src = a;
    cpu->cc_src2 = b;
    cpu->cc_dst = r;
}

/* Stack (ops-stack.c). */
void x86_push(X86CPU *cpu, uint64_t val, unsigned size);
uint64_t x86_pop(X86CPU *cpu, unsigned size);
uint64_t x86_stack_peek(X86CPU *cpu, unsigned offset, unsigned size);
void x86_stack_adjust(X86CPU *cpu, int64_t delta);
unsigned x86_stack_size(X86CPU *cpu);

/* Branches: set the new EIP, masked to the operand size. */
static inline void x86_jump(X86CPU *cpu, uint64_t target, unsigned opsize)
{
    cpu->regs[R_RIP] = opsize == 8 ? target : target & x86_size_mask(opsize);
}

#endif /* TARGET_I386_INSN_H */
