/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The block translator's classification (docs/devel/cpu-translator.md):
 * what each decoded entry becomes, an inline template or a call to its
 * handler, from its opcode and operand shapes (not from the handler the
 * decoder chose, so handler specialisation needs nothing here), and the
 * facts about neighbouring entries the templates use: whether the next
 * entry overwrites the lazy-flag record, needs the CF, or reads the host
 * flags past moves that leave them alone.
 */
#include "target/i386/jit-int.h"

/* Classification: by opcode, so it does not depend on which handler the
 * decoder chose (specialised or generic: the semantics are the same). */
static JitOp jit_classify_opcode(const X86Insn *i, unsigned mode)
{
    unsigned op = i->opcode, r = i->modrm_reg;
    JitOp o = { JK_CALL, 0, false };

    if (i->map == 0) {
        if (op < 0x40 && (op & 7) < 6) {
            o = (JitOp){ JK_ALU, op >> 3, false };
        } else if (op >= 0x80 && op <= 0x83) {
            o = (JitOp){ JK_ALU, r, false };
        } else if (op == 0x84 || op == 0x85 || op == 0xa8 || op == 0xa9 ||
                   ((op == 0xf6 || op == 0xf7) && r <= 1)) {
            o = (JitOp){ JK_ALU, OP_TEST, false };
        } else if ((op >= 0x88 && op <= 0x8b) || (op >= 0xb0 && op <= 0xbf) ||
                   ((op == 0xc6 || op == 0xc7) && r == 0)) {
            o.kind = JK_MOV;
        } else if (op == 0x8d) {
            o.kind = JK_LEA;
        } else if (op == 0x63 && mode == 8) {
            o = (JitOp){ JK_EXT, 0, true };
        } else if (op >= 0x70 && op <= 0x7f) {
            o.kind = JK_JCC;
        } else if ((op == 0xf6 || op == 0xf7) && (r == 2 || r == 3)) {
            o = (JitOp){ JK_UNARY, r, false };
        } else if ((op == 0xfe || op == 0xff) && r <= 1) {
            o = (JitOp){ JK_INCDEC, r, false };
        } else if (op >= 0x40 && op <= 0x4f && mode != 8) {
            o = (JitOp){ JK_INCDEC, op >= 0x48, false };
        } else if ((op == 0xc1 || op == 0xd1) && r >= 4 && r != 6) {
            o = (JitOp){ JK_SHIFT, r, false };
        } else if ((op == 0xc0 || op == 0xd0) && r >= 4 && r != 6) {
            o = (JitOp){ JK_SHIFT, r, false };
        } else if (op == 0xe8) {
            o.kind = JK_CALLN;
        } else if (op == 0xe9 || op == 0xeb) {
            o.kind = JK_JMPN;
        } else if (op == 0xc2 || op == 0xc3) {
            o.kind = JK_RET;
        } else if ((op >= 0x50 && op <= 0x5f) || op == 0x68 || op == 0x6a) {
            o = (JitOp){ JK_PUSH, op >= 0x58 && op <= 0x5f, false };
        } else if (op == 0x69 || op == 0x6b) {
            o.kind = JK_IMUL;
        } else if (((op == 0xc0 || op == 0xc1 || (op >= 0xd0 && op <= 0xd3))
                    && r != 6)) {
            o.kind = JK_PURE;       /* shifts and rotates */
        }
    } else if (i->map == 1) {
        if (op == 0xb6 || op == 0xb7 || op == 0xbe || op == 0xbf) {
            o = (JitOp){ JK_EXT, 0, op >= 0xbe };
        } else if (op >= 0x80 && op <= 0x8f) {
            o.kind = JK_JCC;
        } else if (op >= 0x40 && op <= 0x4f) {
            o.kind = JK_CMOV;
        } else if (op >= 0x90 && op <= 0x9f) {
            o.kind = JK_SETCC;
        } else if (op == 0xaf) {
            o.kind = JK_IMUL;
        }
    }
    return o;
}

/* A memory operand the templates access (jit-mem.c): 1, 2, 4, 8 bytes. */
static bool jit_mem_ok(const X86Insn *i, const X86Operand *o)
{
    return o->kind == OPK_MEM && o->size <= 8 && !(o->size & (o->size - 1));
}

/* A stack operation the templates do: 64-bit in 64-bit code, 32-bit in
 * 32-bit code (whose stack size, SS.B, is tested at run time). */
static bool jit_stack_ok(const X86Block *b, const X86Insn *i)
{
    return (i->flat64 && i->opsize == 8) ||
           (b->mode == 4 && !i->flat64 && i->opsize == 4);
}

/* The opcode's kind, if the operands have a shape the templates cover. */
JitOp jit_classify(const X86Block *b, const X86Insn *i)
{
    const X86Operand *d = &i->op[0], *s = &i->op[1];
    JitOp o = jit_classify_opcode(i, b->mode);
    bool src_ok = s->kind == OPK_REG || s->kind == OPK_IMM ||
                  jit_mem_ok(i, s);

    if (i->lock || i->rep || i->exec == x86_exec_ud ||
        (i->op[2].kind != OPK_NONE && o.kind != JK_IMUL)) {
        return (JitOp){ JK_CALL, 0, false };
    }
    switch (o.kind) {
    case JK_ALU:
        if (jit_mem_ok(i, d) && (s->kind == OPK_REG || s->kind == OPK_IMM) &&
            o.alu != OP_ADC && o.alu != OP_SBB) {
            return o;
        }
        if (d->kind != OPK_REG || !src_ok) {
            break;
        }
        return o;
    case JK_MOV:
        if ((d->kind == OPK_REG && src_ok) ||
            (jit_mem_ok(i, d) && s->kind != OPK_MEM && s->kind != OPK_NONE)) {
            return o;
        }
        break;
    case JK_LEA:
        if (d->kind == OPK_REG && d->size >= 2 && s->kind == OPK_MEM) {
            return o;
        }
        break;
    case JK_EXT:
        if (d->kind == OPK_REG && d->size >= 2 && s->size < d->size &&
            (s->kind == OPK_REG || jit_mem_ok(i, s))) {
            return o;
        }
        break;
    case JK_JCC:
        if ((i->opsize == 4 || i->opsize == 8) &&
            (int64_t)i->imm == (int32_t)i->imm) {
            return o;
        }
        break;
    case JK_SHIFT:
        /* 8/16-bit: counts below the width (the host's CF is the
         * guest's there; ops-shift.c defines the rest). */
        if (d->kind == OPK_REG && s->kind == OPK_IMM &&
            (d->size >= 4 || (i->imm & 31) < d->size * 8u)) {
            return o;
        }
        return (JitOp){ d->kind == OPK_REG ? JK_PURE : JK_CALL, 0, false };
    case JK_IMUL:
        if (d->kind == OPK_REG && (d->size == 4 || d->size == 8) &&
            s->size == d->size && (s->kind == OPK_REG || jit_mem_ok(i, s)) &&
            (i->op[2].kind == OPK_NONE || i->op[2].kind == OPK_IMM)) {
            return o;
        }
        break;
    case JK_CMOV:
        if (d->kind == OPK_REG && (d->size == 4 || d->size == 8) &&
            s->kind == OPK_REG) {
            return o;
        }
        break;
    case JK_INCDEC:
    case JK_UNARY:
        if ((d->kind == OPK_REG || jit_mem_ok(i, d)) &&
            s->kind != OPK_MEM) {
            return o;
        }
        break;
    case JK_PUSH:
        /* The shapes of ops-fast-mem.c's pick_stack() and ops-stack.c's
         * x86_push(): 64-bit code and operand, or 32-bit ones. */
        if (jit_stack_ok(b, i) &&
            ((d->kind == OPK_REG && d->size == i->opsize) ||
             (d->kind == OPK_IMM && !o.alu))) {
            return o;
        }
        break;
    case JK_JMPN:
        if ((i->opsize == 4 || i->opsize == 8) && i->exec == x86_op_jmp &&
            (int64_t)i->imm == (int32_t)i->imm) {
            return o;
        }
        break;
    case JK_CALLN:
    case JK_RET:
        /* ops-branch.c's fast shapes; the handlers stay in the entry
         * (exec.c's find_return() looks for RET's). */
        if (jit_stack_ok(b, i) &&
            (i->exec == x86_op_call || i->exec == x86_op_ret)) {
            return o;
        }
        break;
    case JK_SETCC:
    case JK_PURE:
        if (d->kind == OPK_REG && s->kind != OPK_MEM) {
            return o;
        }
        break;
    default:
        break;
    }
    return (JitOp){ JK_CALL, 0, false };
}

bool jit_has_mem(const X86Insn *i)
{
    return i->op[0].kind == OPK_MEM || i->op[1].kind == OPK_MEM;
}

/*
 * Entry @n, after an entry of kind @pk, is an inline template without a
 * memory operand that writes every lazy-flag field its cc_op uses: the
 * previous entry's record is dead (nothing between them can fault, call
 * out or read it).  INC/DEC needs the CF: known in R10 or as zero only
 * after an ALU template or another INC/DEC.
 */
bool jit_flags_overwritten(const X86Block *b, unsigned n, JitKind pk)
{
    const X86Insn *i = &b->insns[n];
    JitOp o;

    if (n >= b->n_insns || jit_has_mem(i)) {
        return false;
    }
    o = jit_classify(b, i);
    if (n + 1u == b->n_insns && b->fused &&
        !(o.kind == JK_ALU && i->op[0].kind == OPK_REG &&
          (i->op[0].size == 4 || i->op[0].size == 8)) &&
        !(o.kind == JK_INCDEC && i->op[0].kind == OPK_REG &&
          (i->op[0].size == 4 || i->op[0].size == 8)) &&
        !(o.kind == JK_ALU && (o.alu == OP_CMP || o.alu == OP_TEST) &&
          i->op[0].kind == OPK_REG && i->op[0].size == 1)) {
        return false;           /* emit_entry() calls its handler */
    }
    switch (o.kind) {
    case JK_ALU:
        if (o.alu == OP_ADC || o.alu == OP_SBB) {
            return pk == JK_ALU || pk == JK_INCDEC;
        }
        return true;
    case JK_IMUL:
        return true;
    case JK_SHIFT:
        return (i->imm & (i->op[0].size == 8 ? 63 : 31)) != 0;
    case JK_UNARY:
        return o.alu == 3;
    case JK_INCDEC:
        return pk == JK_ALU || pk == JK_INCDEC;
    default:
        return false;
    }
}

/* Entry @n, or one after it past moves (MOV, LEA, MOVZX/MOVSX: they keep
 * R10, their stubs too), needs the guest's CF as it starts (INC, DEC,
 * ADC, SBB). */
bool jit_needs_cf(const X86Block *b, unsigned n)
{
    for (; n < b->n_insns; n++) {
        JitOp o = jit_classify(b, &b->insns[n]);

        if (o.kind == JK_INCDEC ||
            (o.kind == JK_ALU && (o.alu == OP_ADC || o.alu == OP_SBB))) {
            return true;
        }
        if (o.kind != JK_MOV && o.kind != JK_LEA && o.kind != JK_EXT) {
            return false;
        }
    }
    return false;
}

/* Entry @i's template leaves the host flags alone: register and
 * immediate moves, MOVZX/MOVSX of registers, LEA without a 16-bit mask. */
bool jit_keeps_hflags(const X86Block *b, const X86Insn *i)
{
    JitOp o = jit_classify(b, i);

    switch (o.kind) {
    case JK_MOV:
    case JK_EXT:
        return !jit_has_mem(i);
    case JK_LEA:
        return i->amask == ~0ull || i->amask == 0xffffffffull;
    default:
        return false;
    }
}

/* The host flags entry @k leaves are read: past moves, a CMOVcc, SETcc
 * or the block's Jcc comes next. */
bool jit_hflags_used(const X86Block *b, unsigned k)
{
    for (unsigned n = k + 1; n < b->n_insns; n++) {
        JitKind kind = jit_classify(b, &b->insns[n]).kind;

        if (kind == JK_CMOV || kind == JK_SETCC || kind == JK_JCC) {
            return true;
        }
        if (!jit_keeps_hflags(b, &b->insns[n])) {
            return false;
        }
    }
    return false;
}

bool jit_flags_overwritten_later(const X86Block *b, unsigned n, JitKind pk)
{
    for (; n < b->n_insns; n++) {
        const X86Insn *i = &b->insns[n];
        JitOp o = jit_classify(b, i);

        if (jit_keeps_rec(o.kind)) {
            continue;
        }
        if (o.kind == JK_ALU && o.alu != OP_ADC && o.alu != OP_SBB &&
            i->op[0].kind == OPK_REG && i->op[1].kind == OPK_MEM &&
            !(b->fused && n + 1u == b->n_insns)) {
            return true;
        }
        return jit_flags_overwritten(b, n, pk);
    }
    return false;
}

/* The block probably branches back to its own start (a self-loop keeps
 * its cached registers dirty across the back edge). */
bool jit_loops(const X86Block *b)
{
    const X86Insn *i = &b->insns[b->n_insns - 1];
    int64_t end = i->next_off;

    if (b->fused) {
        return end + i->disp == 0 || end + (int32_t)(i->imm >> 32) == 0;
    }
    return i->op[0].kind == OPK_IMM && end + (int32_t)i->imm == 0;
}

/*
 * Entry @k sets the flags a block-ending Jcc reads, in a block that loops
 * to its own start, whose first entry overwrites the record (inline,
 * without memory, without needing the CF: it starts with nothing known):
 * the record is kept in R9/R11 around the loop and stored on the ways
 * out (emit_exit(), emit_exit_all()).
 */
bool jit_loop_rec_dead(const X86Block *b, unsigned k)
{
    return (k + 2u == b->n_insns || (k + 1u == b->n_insns && b->fused)) &&
           jit_flags_overwritten(b, 0, JK_PURE);
}
