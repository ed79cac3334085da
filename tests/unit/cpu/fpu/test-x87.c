/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whole-instruction differential test of the x87 against the host x87:
 * a random x87 state is loaded with FRSTOR, one instruction runs (natively
 * from a generated code page, and through x87_exec_reg() or the memory
 * entry points), and the FNSAVE images (control, status with condition
 * codes and TOP, tag word, all eight registers), the memory operand and
 * EFLAGS (FCOMI, FCMOVcc) are compared.  Instruction and operand pointers
 * are not compared (the CPU records those).  Every register form of
 * D8-DF except FNSTSW AX and the transcendentals (measured separately in
 * test-x87-trans.c), and every memory form, with random operands.
 */
#include <glib.h>
#include <string.h>
#include <sys/mman.h>

#include "target/i386/fpu/x87.h"
#include "tests/unit/cpu/fpu/fp-gen.h"

#define ROUNDS  400
#define IMAGE   108
#define EF_MASK 0x8d5u /* CF PF AF ZF SF OF */

typedef uint64_t NativeFn(uint8_t *mem, uint8_t *image, uint64_t eflags);

static uint8_t *code_page;

/* push rdx; popfq; frstor (rsi); <insn>; fnsave (rsi); pushfq; pop rax; ret */
static NativeFn *build(uint8_t op, uint8_t modrm)
{
    uint8_t *p = code_page;

    *p++ = 0x52;
    *p++ = 0x9d;
    *p++ = 0xdd;
    *p++ = 0x26;
    *p++ = op;
    *p++ = modrm;
    *p++ = 0xdd;
    *p++ = 0x36;
    *p++ = 0x9c;
    *p++ = 0x58;
    *p++ = 0xc3;
    __builtin___clear_cache((char *)code_page, (char *)p);
    return (NativeFn *)code_page;
}

static void random_image(FpGen *g, uint8_t *img)
{
    X87State s;
    uint16_t cw = (uint16_t)(0x0040 | (fpgen_next(g) & 0x0f00));
    uint16_t sw;
    Float80 near = {0x8000000000000000ull, 0x3fff};

    /* Mostly all exceptions masked; sometimes a few unmasked. */
    cw |= (fpgen_next(g) % 4) ? 0x3f : (uint16_t)(fpgen_next(g) & 0x3f);
    sw = (uint16_t)(fpgen_next(g) & 0x477f);
    sw &= (uint16_t) ~(0x3f & ~cw); /* nothing pending: no #MF */
    sw &= (uint16_t)~0x80;
    x87_reset(&s);
    s.fcw = cw;
    x87_set_fsw(&s, sw);
    for (int i = 0; i < 8; i++) {
        s.regs[i] = fpgen_f80(g, near);
        near = s.regs[i];
        if (fpgen_next(g) % 3 == 0) {
            s.regs[i] =
                f80_make(fpgen_next(g) & 1, 0x3fff + (fpgen_next(g) % 8),
                         0x8000000000000000ull | (fpgen_next(g) << 40));
        }
    }
    s.empty = (uint8_t)(fpgen_next(g) & fpgen_next(g));
    x87_save(&s, img, X87_IMAGE_PROT32);
}

static void random_mem(FpGen *g, uint8_t *mem, uint8_t op, int reg)
{
    Float80 v = fpgen_f80(g, (Float80){0x8000000000000000ull, 0x403e});
    uint64_t r = fpgen_next(g);

    for (int i = 0; i < IMAGE; i++) {
        mem[i] = (uint8_t)fpgen_next(g);
    }
    switch (r % 4) {
    case 0:
        memcpy(mem, &v.mant, 8);
        memcpy(mem + 8, &v.se, 2);
        break;
    case 1: {
        uint32_t f = fpgen_f32(g, 0x3f800000);
        memcpy(mem, &f, 4);
        break;
    }
    case 2: {
        uint64_t d = fpgen_f64(g, 0x3ff0000000000000ull);
        memcpy(mem, &d, 8);
        break;
    }
    default:
        for (int i = 0; i < 9; i++) {
            mem[i] =
                (uint8_t)((fpgen_next(g) % 10) | (fpgen_next(g) % 10) << 4);
        }
        mem[9] &= 0x80;
        break;
    }
}

static bool is_trans(uint8_t op, uint8_t modrm)
{
    static const uint8_t t[] = {0xf0, 0xf1, 0xf2, 0xf3, 0xf9, 0xfb, 0xfe, 0xff};

    if (op != 0xd9) {
        return false;
    }
    for (unsigned i = 0; i < sizeof(t); i++) {
        if (t[i] == modrm) {
            return true;
        }
    }
    return false;
}

/* Run our model; returns false for #UD. */
static bool run_soft(uint8_t op, uint8_t modrm, uint8_t *mem, uint8_t *img,
                     uint64_t *eflags)
{
    X87State s;
    int reg = (modrm >> 3) & 7;
    uint32_t ef = (uint32_t)*eflags;
    bool ok = true;

    x87_reset(&s);
    x87_rstor(&s, img, X87_IMAGE_PROT32);
    if (modrm >= 0xc0) {
        ok = x87_exec_reg(&s, op, modrm, &ef) == X87_OK;
    } else {
        X87MemInfo info = x87_mem_info(op, reg);
        switch (info.kind) {
        case X87_MEM_LOAD:
            x87_exec_mem_load(&s, op, reg, mem);
            break;
        case X87_MEM_STORE:
            x87_exec_mem_store(&s, op, reg, mem);
            break;
        case X87_MEM_LDENV:
            x87_ldenv(&s, mem, X87_IMAGE_PROT32);
            break;
        case X87_MEM_STENV:
            x87_stenv(&s, mem, X87_IMAGE_PROT32);
            break;
        case X87_MEM_RSTOR:
            x87_rstor(&s, mem, X87_IMAGE_PROT32);
            break;
        case X87_MEM_SAVE:
            x87_save(&s, mem, X87_IMAGE_PROT32);
            break;
        default:
            ok = false;
            break;
        }
    }
    x87_save(&s, img, X87_IMAGE_PROT32);
    *eflags = ef;
    return ok;
}

/* Mask what the test does not compare: pointers, reserved upper halves. */
static void mask_image(uint8_t *img, uint16_t sw_mask)
{
    memset(img + 12, 0, 16);
    img[2] = img[3] = img[6] = img[7] = img[10] = img[11] = 0;
    img[4] &= (uint8_t)sw_mask;
    img[5] &= (uint8_t)(sw_mask >> 8);
}

/* C0-C3 the SDM leaves undefined for this instruction. */
static uint16_t sw_mask_for(uint8_t op, uint8_t modrm, const uint8_t *ref)
{
    if (op == 0xd9 && (modrm == 0xf5 || modrm == 0xf8) && (ref[5] & 0x04)) {
        return 0xbaff; /* partial FPREM: C0, C1, C3 undefined */
    }
    return 0xffff;
}

static bool compare_case(FpGen *g, uint8_t op, uint8_t modrm, unsigned *bad)
{
    uint8_t img[IMAGE], himg[IMAGE], simg[IMAGE];
    uint8_t mem[IMAGE], hmem[IMAGE], smem[IMAGE];
    uint64_t ef_in = (fpgen_next(g) & 0x8d5) | 2;
    uint64_t hef, sef = ef_in;
    int reg = (modrm >> 3) & 7;

    random_image(g, img);
    random_mem(g, mem, op, reg);
    memcpy(simg, img, IMAGE);
    memcpy(smem, mem, IMAGE);
    if (!run_soft(op, modrm, smem, simg, &sef)) {
        return false;
    }
    memcpy(himg, img, IMAGE);
    memcpy(hmem, mem, IMAGE);
    hef = build(op, modrm < 0xc0 ? (uint8_t)((reg << 3) | 7)
                                 : modrm)(hmem, himg, ef_in);
    uint16_t m = sw_mask_for(op, modrm, himg);
    mask_image(himg, m);
    mask_image(simg, m);
    if (modrm < 0xc0 &&
        ((op == 0xd9 && (reg == 6)) || (op == 0xdd && reg == 6))) {
        mask_image(hmem, 0xffff);
        mask_image(smem, 0xffff);
    }
    if (memcmp(himg, simg, IMAGE) || memcmp(hmem, smem, IMAGE) ||
        ((hef ^ sef) & EF_MASK)) {
        if ((*bad)++ < 6) {
            GString *str = g_string_new(NULL);
            g_string_append_printf(str,
                                   "%02x %02x: cw %02x%02x sw %02x%02x "
                                   "tw %02x%02x ef %03llx/%03llx",
                                   op, modrm, img[1], img[0], img[5], img[4],
                                   img[9], img[8],
                                   (unsigned long long)(hef & EF_MASK),
                                   (unsigned long long)(sef & EF_MASK));
            g_string_append_printf(
                str, " st0 %02x%02x:%016llx st1 %02x%02x:%016llx", img[37],
                img[36], (unsigned long long)*(uint64_t *)(img + 28), img[47],
                img[46], (unsigned long long)*(uint64_t *)(img + 38));
            for (int i = 0; i < IMAGE; i++) {
                if (himg[i] != simg[i]) {
                    g_string_append_printf(str, " img[%d]=%02x/%02x", i,
                                           himg[i], simg[i]);
                }
                if (hmem[i] != smem[i]) {
                    g_string_append_printf(str, " mem[%d]=%02x/%02x", i,
                                           hmem[i], smem[i]);
                }
            }
            g_test_message("%s", str->str);
            g_string_free(str, TRUE);
        }
    }
    return true;
}

static void test_reg_forms(void)
{
    FpGen g = {0x2545f4914f6cdd1dull};
    unsigned bad = 0, cases = 0;

    for (int op = 0xd8; op <= 0xdf; op++) {
        for (int modrm = 0xc0; modrm <= 0xff; modrm++) {
            /* DF E0 writes AX; D9 D8-DF is an undocumented alias whose
             * empty-register behaviour is not modelled. */
            if ((op == 0xdf && modrm == 0xe0) || is_trans(op, modrm) ||
                (op == 0xd9 && modrm >= 0xd8 && modrm <= 0xdf)) {
                continue;
            }
            for (int r = 0; r < ROUNDS; r++) {
                if (!compare_case(&g, (uint8_t)op, (uint8_t)modrm, &bad)) {
                    break;
                }
                cases++;
            }
        }
    }
    g_test_message("register forms: %u cases, %u mismatches", cases, bad);
    g_assert_cmpuint(bad, ==, 0);
}

static void test_mem_forms(void)
{
    FpGen g = {0x5851f42d4c957f2dull};
    unsigned bad = 0, cases = 0;

    for (int op = 0xd8; op <= 0xdf; op++) {
        for (int reg = 0; reg < 8; reg++) {
            for (int r = 0; r < ROUNDS * 8; r++) {
                if (!compare_case(&g, (uint8_t)op, (uint8_t)(reg << 3), &bad)) {
                    break;
                }
                cases++;
            }
        }
    }
    g_test_message("memory forms: %u cases, %u mismatches", cases, bad);
    g_assert_cmpuint(bad, ==, 0);
}

/* FRSTOR a random state, FXSAVE it: the x87 part of the image (bytes
 * 0-159 but the pointers and FOP, and the host's MXCSR) must match
 * x87_fxsave(); then FXRSTOR of that image and FNSAVE must match
 * x87_fxrstor() + x87_save(). */
static void test_fxsave(void)
{
    FpGen g = { 0x1f83d9abfb41bd6bull };
    unsigned bad = 0;

    for (int r = 0; r < 2000; r++) {
        uint8_t img[IMAGE], back[IMAGE], sback[IMAGE];
        uint8_t hfx[512] __attribute__((aligned(16)));
        uint8_t sfx[512];
        X87State s;

        random_image(&g, img);
        memset(hfx, 0, sizeof(hfx));
        asm volatile("frstor %[i]; fxsave %[f]; fninit; fxrstor %[f]; "
                     "fnsave %[b]"
                     : [f] "+m"(hfx), [b] "=m"(back)
                     : [i] "m"(img));
        x87_reset(&s);
        x87_rstor(&s, img, X87_IMAGE_PROT32);
        x87_fxsave(&s, sfx, 0, 0, false);
        memset(hfx + 6, 0, 18);    /* FOP, FIP, FCS, FDP, FDS */
        memset(sfx + 6, 0, 18);
        memset(hfx + 24, 0, 8);    /* MXCSR, MXCSR_MASK */
        x87_reset(&s);
        x87_fxrstor(&s, hfx, false);
        x87_save(&s, sback, X87_IMAGE_PROT32);
        mask_image(back, 0xffff);
        mask_image(sback, 0xffff);
        if (memcmp(hfx, sfx, 160) || memcmp(back, sback, IMAGE)) {
            if (bad++ < 4) {
                for (int i = 0; i < 160; i++) {
                    if (hfx[i] != sfx[i]) {
                        g_test_message("fxsave[%d] %02x/%02x", i, hfx[i],
                                       sfx[i]);
                    }
                }
            }
        }
    }
    g_test_message("fxsave/fxrstor: 2000 states, %u mismatches", bad);
    g_assert_cmpuint(bad, ==, 0);
}

/* The 16-bit protected-mode environment and state images (operand-size
 * prefix in 64-bit mode): FNSTENV/FNSAVE written by the host must match
 * x87_stenv()/x87_save(), and FLDENV/FRSTOR of them must load the same
 * state.  Pointer fields (bytes 6-13) are not compared. */
static void test_env16(void)
{
    FpGen g = { 0x6c8e9cf570932bd5ull };
    unsigned bad = 0;

    for (int r = 0; r < 2000; r++) {
        uint8_t img[IMAGE], henv[14], hsav[94], senv[14], ssav[94];
        uint8_t back[IMAGE], sback[IMAGE];
        X87State s;

        random_image(&g, img);
        asm volatile("frstor %[i]; data16 fnstenv %[e]; frstor %[i]; "
                     "data16 fnsave %[v]; data16 frstor %[v]; fnsave %[b]"
                     : [e] "=m"(henv), [v] "=m"(hsav), [b] "=m"(back)
                     : [i] "m"(img));
        x87_reset(&s);
        x87_rstor(&s, img, X87_IMAGE_PROT32);
        x87_stenv(&s, senv, X87_IMAGE_PROT16);
        x87_reset(&s);
        x87_rstor(&s, img, X87_IMAGE_PROT32);
        x87_save(&s, ssav, X87_IMAGE_PROT16);
        x87_reset(&s);
        x87_rstor(&s, hsav, X87_IMAGE_PROT16);
        x87_save(&s, sback, X87_IMAGE_PROT32);
        memset(henv + 6, 0, 8);
        memset(senv + 6, 0, 8);
        memset(hsav + 6, 0, 8);
        memset(ssav + 6, 0, 8);
        mask_image(back, 0xffff);
        mask_image(sback, 0xffff);
        if (memcmp(henv, senv, 14) || memcmp(hsav, ssav, 94) ||
            memcmp(back, sback, IMAGE)) {
            if (bad++ < 4) {
                g_test_message("env16 case %d: env %d save %d reload %d", r,
                               memcmp(henv, senv, 14), memcmp(hsav, ssav, 94),
                               memcmp(back, sback, IMAGE));
            }
        }
    }
    g_test_message("16-bit images: 2000 states, %u mismatches", bad);
    g_assert_cmpuint(bad, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_set_nonfatal_assertions();
    code_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(code_page != MAP_FAILED);
    g_test_add_func("/cpu/fpu/x87/reg-forms", test_reg_forms);
    g_test_add_func("/cpu/fpu/x87/mem-forms", test_mem_forms);
    g_test_add_func("/cpu/fpu/x87/fxsave", test_fxsave);
    g_test_add_func("/cpu/fpu/x87/env16", test_env16);
    return g_test_run();
}
