/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x87 environment and state images: FNSTENV/FLDENV (14 or 28 bytes),
 * FNSAVE/FRSTOR (94 or 108 bytes) in their real-mode and protected-mode
 * layouts, and the x87 part of the FXSAVE image.
 *
 * Spec: Intel SDM vol. 1 8.1.10 and figures 8-9 to 8-12 (environment
 * layouts), 8.1.11 (FSAVE image: registers in stack order ST0..ST7),
 * 10.5.1 table 10-2 (FXSAVE: abridged tag byte, 32- and 64-bit pointer
 * forms).  In real and virtual-8086 mode the image holds the 20/32-bit
 * linear instruction and operand pointers, formed from the recorded
 * selector and offset.
 */
#include <string.h>

#include "target/i386/fpu/x87-int.h"

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get16(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
    return get16(p) | get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

unsigned x87_env_size(X87ImageMode mode)
{
    return mode >= X87_IMAGE_REAL32 ? 28 : 14;
}

static void write_env(const X87State *s, uint8_t *b, X87ImageMode mode)
{
    uint32_t ip = (uint32_t)s->fip, dp = (uint32_t)s->fdp;

    if (mode == X87_IMAGE_REAL16 || mode == X87_IMAGE_REAL32) {
        /* Real-mode images hold linear addresses (selector * 16 + offset,
         * the real-mode segment base). */
        ip += (uint32_t)s->fcs << 4;
        dp += (uint32_t)s->fds << 4;
    }

    switch (mode) {
    case X87_IMAGE_REAL16:
        put16(b + 0, s->fcw);
        put16(b + 2, x87_fsw(s));
        put16(b + 4, x87_tag_word(s));
        put16(b + 6, ip);
        put16(b + 8, ((ip >> 16) & 0xf) << 12 | (s->fop & 0x7ff));
        put16(b + 10, dp);
        put16(b + 12, ((dp >> 16) & 0xf) << 12);
        break;
    case X87_IMAGE_PROT16:
        put16(b + 0, s->fcw);
        put16(b + 2, x87_fsw(s));
        put16(b + 4, x87_tag_word(s));
        put16(b + 6, ip);
        put16(b + 8, s->fcs);
        put16(b + 10, dp);
        put16(b + 12, s->fds);
        break;
    case X87_IMAGE_REAL32:
        put32(b + 0, 0xffff0000u | s->fcw);
        put32(b + 4, 0xffff0000u | x87_fsw(s));
        put32(b + 8, 0xffff0000u | x87_tag_word(s));
        put32(b + 12, 0xffff0000u | (ip & 0xffff));
        put32(b + 16, ((ip >> 16) & 0xffff) << 12 | (s->fop & 0x7ff));
        put32(b + 20, 0xffff0000u | (dp & 0xffff));
        put32(b + 24, ((dp >> 16) & 0xffff) << 12);
        break;
    default:
        put32(b + 0, 0xffff0000u | s->fcw);
        put32(b + 4, 0xffff0000u | x87_fsw(s));
        put32(b + 8, 0xffff0000u | x87_tag_word(s));
        put32(b + 12, ip);
        put32(b + 16, (uint32_t)(s->fop & 0x7ff) << 16 | s->fcs);
        put32(b + 20, dp);
        put32(b + 24, 0xffff0000u | s->fds);
        break;
    }
}

static void read_env(X87State *s, const uint8_t *b, X87ImageMode mode)
{
    switch (mode) {
    case X87_IMAGE_REAL16:
        s->fip = get16(b + 6) | (uint64_t)(get16(b + 8) >> 12) << 16;
        s->fop = get16(b + 8) & 0x7ff;
        s->fdp = get16(b + 10) | (uint64_t)(get16(b + 12) >> 12) << 16;
        s->fcs = s->fds = 0;
        break;
    case X87_IMAGE_PROT16:
        s->fip = get16(b + 6);
        s->fcs = (uint16_t)get16(b + 8);
        s->fdp = get16(b + 10);
        s->fds = (uint16_t)get16(b + 12);
        break;
    case X87_IMAGE_REAL32:
        s->fip = get16(b + 12) | (uint64_t)((get32(b + 16) >> 12) & 0xffff)
                 << 16;
        s->fop = get32(b + 16) & 0x7ff;
        s->fdp = get16(b + 20) | (uint64_t)((get32(b + 24) >> 12) & 0xffff)
                 << 16;
        s->fcs = s->fds = 0;
        break;
    default:
        s->fip = get32(b + 12);
        s->fcs = (uint16_t)get16(b + 16);
        s->fop = (get32(b + 16) >> 16) & 0x7ff;
        s->fdp = get32(b + 20);
        s->fds = (uint16_t)get16(b + 24);
        break;
    }
    int w = mode >= X87_IMAGE_REAL32 ? 4 : 2;
    x87_set_fsw(s, (uint16_t)get16(b + w));
    x87_set_tag_word(s, (uint16_t)get16(b + 2 * w));
    x87_set_fcw(s, (uint16_t)get16(b));
}

void x87_stenv(X87State *s, uint8_t *buf, X87ImageMode mode)
{
    write_env(s, buf, mode);
    s->fcw |= X87_CW_MASKS;
    x87_update_es(s);
}

void x87_ldenv(X87State *s, const uint8_t *buf, X87ImageMode mode)
{
    read_env(s, buf, mode);
}

void x87_save(X87State *s, uint8_t *buf, X87ImageMode mode)
{
    uint8_t *r = buf + x87_env_size(mode);

    write_env(s, buf, mode);
    for (int i = 0; i < 8; i++) {
        Float80 v = x87_st(s, i);
        put64(r + 10 * i, v.mant);
        put16(r + 10 * i + 8, v.se);
    }
    x87_finit(s);
}

void x87_rstor(X87State *s, const uint8_t *buf, X87ImageMode mode)
{
    const uint8_t *r = buf + x87_env_size(mode);
    uint8_t empty;

    read_env(s, buf, mode);
    empty = s->empty;
    for (int i = 0; i < 8; i++) {
        Float80 v = { get64(r + 10 * i), (uint16_t)get16(r + 10 * i + 8) };
        x87_set_st(s, i, v);
    }
    s->empty = empty;
}

void x87_fxsave(const X87State *s, uint8_t *img, uint32_t mxcsr,
                uint32_t mxcsr_mask, bool rex_w)
{
    memset(img, 0, 160);
    put16(img + 0, s->fcw);
    put16(img + 2, x87_fsw(s));
    img[4] = (uint8_t)~s->empty;
    put16(img + 6, s->fop);
    if (rex_w) {
        put64(img + 8, s->fip);
        put64(img + 16, s->fdp);
    } else {
        put32(img + 8, (uint32_t)s->fip);
        put16(img + 12, s->fcs);
        put32(img + 16, (uint32_t)s->fdp);
        put16(img + 20, s->fds);
    }
    put32(img + 24, mxcsr);
    put32(img + 28, mxcsr_mask);
    for (int i = 0; i < 8; i++) {
        Float80 v = x87_st(s, i);
        put64(img + 32 + 16 * i, v.mant);
        put16(img + 40 + 16 * i, v.se);
    }
}

void x87_fxrstor(X87State *s, const uint8_t *img, bool rex_w)
{
    x87_set_fsw(s, (uint16_t)get16(img + 2));
    s->fop = get16(img + 6) & 0x7ff;
    if (rex_w) {
        s->fip = get64(img + 8);
        s->fdp = get64(img + 16);
        s->fcs = s->fds = 0;
    } else {
        s->fip = get32(img + 8);
        s->fcs = (uint16_t)get16(img + 12);
        s->fdp = get32(img + 16);
        s->fds = (uint16_t)get16(img + 20);
    }
    for (int i = 0; i < 8; i++) {
        Float80 v = { get64(img + 32 + 16 * i),
                      (uint16_t)get16(img + 40 + 16 * i) };
        x87_set_st(s, i, v);
    }
    s->empty = (uint8_t)~img[4];
    x87_set_fcw(s, (uint16_t)get16(img));
}
