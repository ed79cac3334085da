/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The instruction decoder: legacy and REX prefixes, the one- and two-byte
 * opcode maps (decode-onebyte.c.inc, decode-twobyte.c.inc), ModRM and SIB
 * (SDM vol. 2A ch. 2, tables 2-1 to 2-3), displacements and immediates.
 * The result is an X86Insn whose operands are resolved for the operand and
 * address size in force, so handlers never re-examine prefixes.
 */
#include "target/i386/insn.h"
#include "target/i386/ops.h"

/* Operand letters of the SDM opcode tables (vol. 2D A.2). */
#define Eb  { OPM_E, SZ_B, 0 }
#define Ew  { OPM_E, SZ_W, 0 }
#define Ed  { OPM_E, SZ_D, 0 }
#define Ev  { OPM_E, SZ_V, 0 }
#define Ey  { OPM_E, SZ_Y, 0 }
#define Gb  { OPM_G, SZ_B, 0 }
#define Gw  { OPM_G, SZ_W, 0 }
#define Gd  { OPM_G, SZ_D, 0 }
#define Gv  { OPM_G, SZ_V, 0 }
#define Gy  { OPM_G, SZ_Y, 0 }
#define Gz  { OPM_G, SZ_Z, 0 }
#define Ib  { OPM_I, SZ_B, 0 }
#define Ibs { OPM_I, SZ_BS, 0 }
#define Iw  { OPM_I, SZ_W, 0 }
#define Iz  { OPM_I, SZ_Z, 0 }
#define Iv  { OPM_I, SZ_V, 0 }
#define Jb  { OPM_J, SZ_BS, 0 }
#define Jz  { OPM_J, SZ_Z, 0 }
#define M   { OPM_M, SZ_V, 0 }
#define Mb  { OPM_M, SZ_B, 0 }
#define Mw  { OPM_M, SZ_W, 0 }
#define Mp  { OPM_M, SZ_P, 0 }
#define Mq  { OPM_M, SZ_Q, 0 }
#define Ry  { OPM_R, SZ_Y, 0 }
#define Rv  { OPM_R, SZ_V, 0 }
#define Sw  { OPM_S, SZ_W, 0 }
#define Cy  { OPM_C, SZ_Y, 0 }
#define Dy  { OPM_D, SZ_Y, 0 }
#define Ob  { OPM_O, SZ_B, 0 }
#define Ov  { OPM_O, SZ_V, 0 }
#define Zb  { OPM_Z, SZ_B, 0 }
#define Zv  { OPM_Z, SZ_V, 0 }
#define Ap  { OPM_A, SZ_P, 0 }
#define AL  { OPM_REG, SZ_B, R_EAX }
#define CL  { OPM_REG, SZ_B, R_ECX }
#define DX  { OPM_REG, SZ_W, R_EDX }
#define eAX { OPM_REG, SZ_V, R_EAX }
#define rAXz { OPM_REG, SZ_Z, R_EAX }
#define One { OPM_ONE, SZ_B, 0 }

/* Flags the SDM leaves undefined, per instruction. */
#define UNDEF_LOGIC CC_A
#define UNDEF_SHIFT (CC_O | CC_A)
#define UNDEF_MUL   (CC_S | CC_Z | CC_A | CC_P)
#define UNDEF_DIV   (CC_ALL)
#define UNDEF_BCD   (CC_O)
#define UNDEF_BSF   (CC_C | CC_O | CC_S | CC_A | CC_P)
#define UNDEF_BT    (CC_O | CC_S | CC_A | CC_P)

#include "target/i386/decode-onebyte.c.inc"
#include "target/i386/decode-twobyte.c.inc"
#include "target/i386/decode-threebyte.c.inc"

void x86_exec_ud(X86CPU *cpu, const X86Insn *insn)
{
    x86_raise(cpu, EXCP_UD, 0);
}

typedef struct DecodeState {
    const uint8_t *b;
    unsigned avail;
    unsigned pos;
    bool p66, p67;
    int seg;
    bool short_input;
    bool imm_used;
} DecodeState;

static uint64_t fetch(DecodeState *d, unsigned n)
{
    uint64_t v = 0;
    if (d->pos + n > d->avail) {
        d->short_input = true;
        d->pos += n;
        return 0;
    }
    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)d->b[d->pos + i] << (i * 8);
    }
    d->pos += n;
    return v;
}

static unsigned reg_off(unsigned reg, unsigned size, bool rex)
{
    if (size == 1 && !rex && reg >= 4 && reg < 8) {
        return (reg - 4) * 8 + 1;       /* AH, CH, DH, BH */
    }
    return reg * 8;
}

/* ModRM memory forms, 16-bit addressing (SDM vol. 2A table 2-1). */
static void modrm_mem16(DecodeState *d, X86Insn *i, unsigned mod,
                        unsigned rm)
{
    static const uint8_t base16[8] = { R_EBX, R_EBX, R_EBP, R_EBP,
                                       R_ESI, R_EDI, R_EBP, R_EBX };
    static const uint8_t index16[8] = { R_ESI, R_EDI, R_ESI, R_EDI,
                                        R_ZERO, R_ZERO, R_ZERO, R_ZERO };
    i->base = base16[rm];
    i->index = index16[rm];
    i->seg = (rm == 2 || rm == 3 || rm == 6) ? R_SS : R_DS;
    if (mod == 0 && rm == 6) {
        i->base = R_ZERO;
        i->seg = R_DS;
        i->disp = (int16_t)fetch(d, 2);
    } else if (mod == 1) {
        i->disp = (int8_t)fetch(d, 1);
    } else if (mod == 2) {
        i->disp = (int16_t)fetch(d, 2);
    }
}

/* 32/64-bit addressing with SIB (SDM vol. 2A tables 2-2, 2-3). */
static void modrm_mem32(DecodeState *d, X86Insn *i, unsigned mod,
                        unsigned rm, bool x64)
{
    unsigned rexb = (i->rex & 1) << 3, rexx = (i->rex & 2) << 2;
    i->index = R_ZERO;
    if (rm == 4) {
        unsigned sib = fetch(d, 1);
        unsigned idx = ((sib >> 3) & 7) | rexx, base = sib & 7;
        i->scale = sib >> 6;
        i->index = idx == 4 ? R_ZERO : idx;
        if (base == 5 && mod == 0) {
            i->base = R_ZERO;
            i->disp = (int32_t)fetch(d, 4);
        } else {
            i->base = base | rexb;
        }
    } else if (rm == 5 && mod == 0) {
        i->base = x64 ? R_RIP : R_ZERO;
        i->disp = (int32_t)fetch(d, 4);
    } else {
        i->base = rm | rexb;
    }
    i->seg = (i->base == R_ESP || i->base == R_EBP) ? R_SS : R_DS;
    if (mod == 1) {
        i->disp = (int8_t)fetch(d, 1);
    } else if (mod == 2) {
        i->disp = (int32_t)fetch(d, 4);
    }
}

static unsigned size_of(unsigned code, const X86Insn *i)
{
    switch (code) {
    case SZ_B: case SZ_BS: return 1;
    case SZ_W: return 2;
    case SZ_D: return 4;
    case SZ_Q: return 8;
    case SZ_Z: return i->opsize == 2 ? 2 : 4;
    case SZ_Y: return i->opsize == 8 ? 8 : 4;
    case SZ_P: return i->opsize + 2;
    default: return i->opsize;
    }
}

static uint64_t fetch_imm(DecodeState *d, unsigned code, X86Insn *i,
                          unsigned osize)
{
    switch (code) {
    case SZ_BS: return (uint64_t)(int64_t)(int8_t)fetch(d, 1) &
                       x86_size_mask(i->opsize);
    case SZ_B: return fetch(d, 1);
    case SZ_W: return fetch(d, 2);
    case SZ_V:
        if (i->opsize == 8) {
            return fetch(d, 8);
        }
        return fetch(d, i->opsize);
    default:
        if (osize == 2) {
            return fetch(d, 2);
        }
        return (uint64_t)(int64_t)(int32_t)fetch(d, 4) &
               x86_size_mask(i->opsize);
    }
}

/* Resolve operand @n of @e into @i. */
static bool resolve_op(DecodeState *d, const X86OpSpec *s, X86Insn *i,
                       int n, unsigned modrm, bool has_modrm)
{
    X86Operand *o = &i->op[n];
    unsigned rex = i->rex != 0;
    unsigned reg = ((modrm >> 3) & 7) | ((i->rex & 4) << 1);
    unsigned rm = (modrm & 7) | ((i->rex & 1) << 3);
    bool is_mem = has_modrm && (modrm >> 6) != 3;

    o->size = size_of(s->size, i);
    switch (s->method) {
    case OPM_E: case OPM_M: case OPM_R:
        if (is_mem) {
            if (s->method == OPM_R) {
                return false;
            }
            o->kind = OPK_MEM;
        } else {
            if (s->method == OPM_M) {
                return false;
            }
            o->kind = OPK_REG;
            o->reg = reg_off(rm, o->size, rex);
        }
        return true;
    case OPM_G:
        o->kind = OPK_REG;
        o->reg = reg_off(reg, o->size, rex);
        return true;
    case OPM_S: case OPM_C: case OPM_D:
        o->kind = OPK_IMM;
        o->reg = s->method == OPM_S ? (reg & 7) : reg;
        return true;
    case OPM_Z:
        o->kind = OPK_REG;
        o->reg = reg_off((i->opcode & 7) | ((i->rex & 1) << 3), o->size, rex);
        return true;
    case OPM_REG:
        o->kind = OPK_REG;
        o->reg = s->reg * 8;
        return true;
    case OPM_ONE:
        o->kind = OPK_IMM;
        i->imm = 1;
        return true;
    case OPM_O:
        /* The handler addresses moffs through .imm (it may be 64-bit). */
        o->kind = OPK_MEM;
        i->base = i->index = R_ZERO;
        i->seg = R_DS;
        i->imm = fetch(d, i->addrsize);
        d->imm_used = true;
        return true;
    case OPM_A:
        o->kind = OPK_IMM;
        i->imm = fetch(d, i->opsize == 2 ? 2 : 4);
        i->imm2 = fetch(d, 2);
        return true;
    case OPM_I: case OPM_J:
        o->kind = OPK_IMM;
        if (d->imm_used) {
            i->imm2 = fetch(d, 1);      /* ENTER Iw, Ib */
            return true;
        }
        d->imm_used = true;
        i->imm = fetch_imm(d, s->size, i, o->size);
        if (s->method == OPM_J) {
            i->imm = (uint64_t)(int64_t)(s->size == SZ_BS ?
                     (int8_t)i->imm : o->size == 2 ? (int16_t)i->imm :
                     (int32_t)i->imm);
        }
        return true;
    default:
        o->kind = OPK_NONE;
        return true;
    }
}

static bool needs_modrm(const X86OpcodeEntry *e)
{
    if (e->group || (e->flags & X86_F_MODRM)) {
        return true;
    }
    for (int n = 0; n < 3; n++) {
        switch (e->op[n].method) {
        case OPM_E: case OPM_G: case OPM_M: case OPM_R: case OPM_S:
        case OPM_C: case OPM_D:
            return true;
        }
    }
    return false;
}

static void set_sizes(X86Insn *i, const X86OpcodeEntry *e, unsigned cs,
                      const DecodeState *d)
{
    if (cs == 8) {
        if (i->rex & 8) {
            i->opsize = 8;
        } else if (e->flags & X86_F_FORCE64) {
            i->opsize = 8;
        } else if (d->p66) {
            i->opsize = 2;
        } else {
            i->opsize = (e->flags & X86_F_DEF64) ? 8 : 4;
        }
        i->addrsize = d->p67 ? 4 : 8;
    } else {
        i->opsize = (cs == 2) != d->p66 ? 2 : 4;
        i->addrsize = (cs == 2) != d->p67 ? 2 : 4;
    }
    i->amask = x86_size_mask(i->addrsize);
}

static const X86OpcodeEntry *pick_prefixed(const X86OpcodeEntry *e,
                                           X86Insn *i, DecodeState *d)
{
    int sel = 0;
    if (!e->prefixed) {
        return e;
    }
    if (i->rep == 0xf3) {
        sel = 2;
    } else if (i->rep == 0xf2) {
        sel = 3;
    } else if (d->p66) {
        sel = 1;
    }
    e = &e->prefixed[sel];
    if (sel >= 2) {
        i->rep = 0;
    } else if (sel == 1) {
        i->prefix66 = 1;
    }
    return e;
}

/* A group row inherits the operands and properties of its opcode. */
static const X86OpcodeEntry *merge_group(const X86OpcodeEntry *parent,
                                         const X86OpcodeEntry *row,
                                         X86OpcodeEntry *out)
{
    *out = *row;
    if (row->op[0].method == OPM_NONE) {
        memcpy(out->op, parent->op, sizeof(out->op));
    }
    out->flags |= parent->flags;
    if (out->mode == MODE_ANY) {
        out->mode = parent->mode;
    }
    return out;
}

/*
 * Decode one instruction from @bytes (@avail readable bytes).  Returns
 * DEC_OK, DEC_UD (invalid opcode: @insn runs x86_exec_ud), DEC_GP (longer
 * than 15 bytes) or DEC_SHORT (needs bytes beyond @avail).
 */
int x86_decode(X86CPU *cpu, const uint8_t *bytes, unsigned avail,
               unsigned code_size, X86Insn *insn)
{
    DecodeState d = { .b = bytes, .avail = avail, .seg = -1 };
    const X86OpcodeEntry *e;
    X86OpcodeEntry merged;
    unsigned op, modrm = 0;
    bool has_modrm, ok = true;

    memset(insn, 0, sizeof(*insn));
    insn->seg = R_DS;
    insn->base = insn->index = R_ZERO;
    for (;;) {
        unsigned b = fetch(&d, 1);
        if (d.short_input) {
            return DEC_SHORT;
        }
        switch (b) {
        case 0x66: d.p66 = true; insn->rex = 0; continue;
        case 0x67: d.p67 = true; insn->rex = 0; continue;
        case 0x26: case 0x2e: case 0x36: case 0x3e:
            d.seg = (b >> 3) & 3; insn->rex = 0; continue;
        case 0x64: case 0x65: d.seg = b - 0x60; insn->rex = 0; continue;
        case 0xf0: insn->lock = 1; insn->rex = 0; continue;
        case 0xf2: case 0xf3: insn->rep = b; insn->rex = 0; continue;
        }
        if (code_size == 8 && (b & 0xf0) == 0x40) {
            insn->rex = b;
            continue;
        }
        op = b;
        break;
    }
    if (op == 0x0f) {
        op = fetch(&d, 1);
        insn->map = 1;
        e = &x86_map_0f[op];
        if (op == 0x38 || op == 0x3a) {
            insn->map = op == 0x38 ? 2 : 3;
            op = fetch(&d, 1);
            e = insn->map == 2 ? &x86_map_0f38[op] : &x86_map_0f3a[op];
        }
    } else {
        e = &x86_map_onebyte[op];
    }
    insn->opcode = op;
    if (code_size == 8 && e->alt64) {
        e = e->alt64;
    }
    e = pick_prefixed(e, insn, &d);
    has_modrm = needs_modrm(e);
    if (has_modrm) {
        modrm = fetch(&d, 1);
        insn->modrm = modrm;
        insn->modrm_reg = (modrm >> 3) & 7;
        if (e->group) {
            e = merge_group(e, pick_prefixed(&e->group[insn->modrm_reg],
                                             insn, &d), &merged);
        }
    }
    if (d.short_input) {
        return DEC_SHORT;
    }
    if (!e->exec || (e->mode == MODE_NO64 && code_size == 8) ||
        (e->mode == MODE_64ONLY && code_size != 8) ||
        (e->cpuid && !x86_cpuid_has(cpu, e->cpuid))) {
        ok = false;
    }
    set_sizes(insn, e, code_size, &d);
    if (has_modrm && (modrm >> 6) != 3 && !(e->flags & X86_F_NOMEM)) {
        if (insn->addrsize == 2) {
            modrm_mem16(&d, insn, modrm >> 6, modrm & 7);
        } else {
            modrm_mem32(&d, insn, modrm >> 6, modrm & 7, code_size == 8);
        }
    }
    if (e->flags & X86_F_NOMEM) {
        modrm |= 0xc0;
    }
    for (int n = 0; n < 3 && ok; n++) {
        ok = resolve_op(&d, &e->op[n], insn, n, modrm, has_modrm);
    }
    if (d.short_input) {
        return DEC_SHORT;
    }
    if (d.seg >= 0) {
        insn->seg = d.seg;
    }
    if (code_size == 8 && insn->seg < R_FS) {
        insn->seg = insn->seg == R_SS ? R_SS : R_DS;
    }
    if (insn->lock && (!e->lock_ok || insn->op[0].kind != OPK_MEM)) {
        ok = false;
    }
    insn->prefix66 |= d.p66;
    insn->flat64 = code_size == 8;
    insn->len = d.pos;
    if (d.pos > X86_MAX_INSN_LEN) {
        insn->exec = x86_exec_gp_len;
        insn->end_block = true;
        return DEC_GP;
    }
    insn->exec = ok ? e->exec : x86_exec_ud;
    insn->end_block = !ok || (e->flags & X86_F_END);
    if (ok) {
        x86_atomic_specialize(insn);
        x86_specialize(insn);
    }
    return ok ? DEC_OK : DEC_UD;
}
