/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MMX/SSE/SSE2/SSE3 wired into the emulated CPU, against the host: each
 * case loads XMM0-2, MM1-2, MXCSR, EAX and a 16-byte memory operand at
 * [EDI], runs one instruction natively and on the test machine's CPU
 * (32-bit flat mode), then compares XMM1, XMM2, MM1, MXCSR, EAX, the
 * arithmetic flags and the memory operand.  The cases cover every operand
 * kind of the dispatcher (sse/ops-sse.c): register and memory sources,
 * scalar and packed loads and stores, MOVD/MOVQ with general registers,
 * conversions to and from integers, COMISS flags, PEXTRW/PINSRW, the
 * immediate shift groups, MMX forms and MASKMOVDQU.
 */
#include <glib.h>
#include <string.h>
#include <sys/mman.h>

#include "accel/test-machine.h"
#include "target/i386/cpu.h"
#include "tests/unit/cpu/fpu/fp-gen.h"

#define CODE_ADDR  0x10000
#define STATE_ADDR 0x20000
#define MEM_ADDR   0x21000
#define ROUNDS     300

/* State block at [esi]: xmm0 xmm1 xmm2 (0, 16, 32), mxcsr (48), eax (56),
 * mm1 out (64), eflags (72). */
typedef struct __attribute__((packed)) Block {
    uint8_t xmm[3][16];
    uint32_t mxcsr, pad;
    uint64_t eax;
    uint64_t mm1;
    uint64_t eflags;
} Block;

typedef struct Case {
    const char *name;
    const char *hex; /* the instruction */
    bool fp;         /* operands are floats */
} Case;

static const Case cases[] = {
    {"addps-reg", "0f58ca", true},
    {"addps-mem", "0f580f", true},
    {"addss-mem", "f30f580f", true},
    {"mulsd-reg", "f20f59ca", true},
    {"divpd-mem", "660f5e0f", true},
    {"sqrtss-reg", "f30f51ca", true},
    {"maxps-reg", "0f5fca", true},
    {"cmpps-imm", "0fc2ca05", true},
    {"cmpsd-mem", "f20fc20f01", true},
    {"andnpd", "660f55ca", false},
    {"unpckhps", "0f15ca", false},
    {"shufps", "0fc6ca1b", false},
    {"movaps-ld", "0f280f", false},
    {"movups-st", "0f110f", false},
    {"movss-ld", "f30f100f", true},
    {"movss-reg", "f30f10ca", true},
    {"movsd-st", "f20f110f", true},
    {"movsd-st-reg", "f20f11ca", true},
    {"movlps-ld", "0f120f", false},
    {"movhlps", "0f12ca", false},
    {"movhps-ld", "0f160f", false},
    {"movlhps", "0f16ca", false},
    {"movhpd-st", "660f170f", false},
    {"movlpd-st", "660f130f", false},
    {"movd-in", "660f6ec8", false},
    {"movd-in-mem", "660f6e0f", false},
    {"movd-out", "660f7ec8", false},
    {"movd-out-mem", "660f7e0f", false},
    {"movq-in", "f30f7e0f", false},
    {"movq-out", "660fd60f", false},
    {"movq-out-reg", "660fd6ca", false},
    {"movdqa-ld", "660f6f0f", false},
    {"movdqu-st", "f30f7f0f", false},
    {"movntdq", "660fe70f", false},
    {"lddqu", "f20ff00f", false},
    {"movddup", "f20f120f", true},
    {"movshdup", "f30f16ca", true},
    {"haddps", "f20f7cca", true},
    {"addsubpd", "660fd0ca", true},
    {"cvtps2pd", "0f5a0f", true},
    {"cvtsd2ss", "f20f5aca", true},
    {"cvtdq2ps", "0f5bca", false},
    {"cvttps2dq", "f30f5bca", true},
    {"cvtpd2dq", "f20fe6ca", true},
    {"cvtdq2pd-mem", "f30fe60f", false},
    {"cvtsi2ss", "f30f2ac8", false},
    {"cvtsi2sd-mem", "f20f2a0f", false},
    {"cvtss2si", "f30f2dc2", true},
    {"cvttsd2si-mem", "f20f2c07", true},
    {"cvtpi2ps", "0f2aca", false},
    {"cvtps2pi", "0f2dca", true},
    {"cvttpd2pi-mem", "660f2c0f", true},
    {"cvtpd2pi", "660f2dca", true},
    {"cvtpi2pd", "660f2aca", false},
    {"cvtpi2pd-mem", "660f2a0f", false},
    {"cvttps2pi", "0f2cca", true},
    {"comiss", "0f2fca", true},
    {"ucomisd-mem", "660f2e0f", true},
    {"movmskps", "0f50c2", true},
    {"pmovmskb", "660fd7c2", false},
    {"pextrw", "660fc5c205", false},
    {"pinsrw", "660fc4c803", false},
    {"pinsrw-mem", "660fc40f06", false},
    {"paddb", "660ffcca", false},
    {"psubusw-mem", "660fd90f", false},
    {"pmaddwd", "660ff5ca", false},
    {"packsswb", "660f63ca", false},
    {"punpcklbw-mem", "660f600f", false},
    {"pcmpeqb", "660f74ca", false},
    {"pshufd", "660f70ca4e", false},
    {"pshuflw-mem", "f20f700f1b", false},
    {"psrlw-imm", "660f71d103", false},
    {"psrad-imm", "660f72e11f", false},
    {"psllq-imm", "660f73f121", false},
    {"psrldq-imm", "660f73d905", false},
    {"pslldq-imm", "660f73f90b", false},
    {"psllw-reg", "660ff1ca", false},
    {"pxor", "660fefca", false},
    {"psadbw", "660ff6ca", false},
    {"pmuludq", "660ff4ca", false},
    {"punpckhqdq", "660f6dca", false},
    {"mmx-paddw", "0ffdca", false},
    {"mmx-punpcklbw-mem", "0f600f", false},
    {"mmx-psrlq-imm", "0f73d107", false},
    {"mmx-pshufw", "0f70ca39", false},
    {"mmx-movq-ld", "0f6f0f", false},
    {"mmx-movq-st", "0f7f0f", false},
    {"mmx-movd-out", "0f7ec8", false},
    {"mmx-pmovmskb", "0fd7c2", false},
    {"mmx-pinsrw", "0fc4c802", false},
    {"movq2dq", "f30fd6ca", false},
    {"movdq2q", "f20fd6ca", false},
    {"maskmovdqu", "660ff7ca", false},
    {"pshufb", "660f3800ca", false},
    {"mmx-pshufb", "0f3800ca", false},
    {"phaddsw-mem", "660f38030f", false},
    {"pabsd", "660f381eca", false},
    {"pmulhrsw", "660f380bca", false},
    {"palignr", "660f3a0fca07", false},
    {"mmx-palignr", "0f3a0fca03", false},
    {"pblendvb", "660f3810ca", false},
    {"blendvps-mem", "660f38140f", false},
    {"ptest", "660f3817ca", false},
    {"pmovsxbw-mem", "660f38200f", false},
    {"pmovzxbq-mem", "660f38320f", false},
    {"pmovzxwd", "660f3833ca", false},
    {"pmuldq", "660f3828ca", false},
    {"packusdw", "660f382bca", false},
    {"pcmpgtq", "660f3837ca", false},
    {"pminsd", "660f3839ca", false},
    {"pmulld", "660f3840ca", false},
    {"phminposuw", "660f3841ca", false},
    {"movntdqa", "660f382a0f", false},
    {"roundps", "660f3a08ca0d", true},
    {"roundsd-mem", "660f3a0b0f04", true},
    {"blendps", "660f3a0cca05", false},
    {"pblendw", "660f3a0eca9a", false},
    {"dpps", "660f3a40ca11", true},
    {"dppd-mem", "660f3a410f33", true},
    {"mpsadbw", "660f3a42ca05", false},
    {"insertps", "660f3a21ca9c", false},
    {"insertps-mem", "660f3a210f30", false},
    {"pextrb", "660f3a14d005", false},
    {"pextrw-mem", "660f3a150f03", false},
    {"pextrd", "660f3a16d002", false},
    {"extractps-mem", "660f3a170f01", false},
    {"pinsrb", "660f3a20c80a", false},
    {"pinsrd-mem", "660f3a220f02", false},
    {"pcmpistri", "660f3a63ca0c", false},
    {"pcmpistrm", "660f3a62ca48", false},
    {"pcmpestri", "660f3a61ca00", false},
    {"pcmpestrm-mem", "660f3a600f44", false},
    {"crc32b", "f20f38f0c0", false},
    {"crc32d-mem", "f20f38f107", false},
    {"crc32w", "66f20f38f1c0", false},
    {"movbe-ld", "0f38f007", false},
    {"movbe-st", "0f38f107", false},
    {"movbe-ld16", "660f38f007", false},
};

typedef void NativeFn(uint8_t *mem, Block *b);

static uint8_t *code_page;
static TestMachine *tm;

static int hexbytes(const char *hex, uint8_t *out)
{
    int n = 0;

    for (; hex[0] && hex[1]; hex += 2) {
        out[n++] = (uint8_t)(g_ascii_xdigit_value(hex[0]) << 4 |
                             g_ascii_xdigit_value(hex[1]));
    }
    return n;
}

/* [esi] = block, [edi] = memory operand; same bytes natively (rsi/rdi). */
static const char *const pro = "0fae5630"
                               "f30f6f06"
                               "f30f6f4e10"
                               "f30f6f5620"
                               "0f6f4e10"
                               "0f6f5620"
                               "8b4638";
static const char *const epi = "f30f7f4e10"
                               "f30f7f5620"
                               "0f7f4e40"
                               "0fae5e30"
                               "894638"
                               "0f77";

static int build(uint8_t *p, const char *insn, bool native)
{
    int n = 0;

    if (native) {
        n += hexbytes("0fae5e34", p + n); /* stmxcsr [rsi+52] */
    }
    n += hexbytes(pro, p + n);
    n += hexbytes(insn, p + n);
    if (native) {
        n += hexbytes("9c8f4648", p + n); /* pushf; pop [rsi+72] */
    }
    n += hexbytes(epi, p + n);
    if (native) {
        n += hexbytes("0fae5634c3", p + n); /* ldmxcsr [rsi+52]; ret */
    } else {
        p[n++] = 0xf4;
    }
    return n;
}

static void fill(FpGen *g, Block *b, uint8_t *mem, bool fp)
{
    for (int r = 0; r < 3; r++) {
        for (int i = 0; i < 4; i++) {
            uint32_t v =
                fp ? fpgen_f32(g, 0x3f800000) : (uint32_t)fpgen_next(g);
            memcpy(&b->xmm[r][4 * i], &v, 4);
        }
    }
    if (fp && (fpgen_next(g) & 1)) {
        for (int r = 1; r < 3; r++) {
            for (int i = 0; i < 2; i++) {
                uint64_t v = fpgen_f64(g, 0x3ff0000000000000ull);
                memcpy(&b->xmm[r][8 * i], &v, 8);
            }
        }
    }
    for (int i = 0; i < 16; i++) {
        mem[i] = b->xmm[2][(i + 4) & 15] ^ (uint8_t)(fpgen_next(g) & 1);
    }
    b->mxcsr = 0x1f80 | (uint32_t)((fpgen_next(g) & 3) << 13);
    b->eax = (uint32_t)fpgen_next(g);
}

static unsigned run_case(const Case *c, FpGen *g)
{
    uint8_t code[64];
    int n = build(code, c->hex, false);
    unsigned bad = 0;

    build(code_page, c->hex, true);
    __builtin___clear_cache((char *)code_page, (char *)code_page + 64);
    test_machine_load(tm, CODE_ADDR, code, n, &error_abort);
    for (int r = 0; r < ROUNDS; r++) {
        Block b = {0}, hb;
        uint8_t mem[32], hmem[32];
        X86CPU *cpu = tm->cpu;

        fill(g, &b, mem, c->fp);
        memset(mem + 16, 0x5a, 16);
        hb = b;
        memcpy(hmem, mem, sizeof(mem));
        ((NativeFn *)code_page)(hmem, &hb);

        test_machine_load(tm, STATE_ADDR, &b, sizeof(b), &error_abort);
        test_machine_load(tm, MEM_ADDR, mem, sizeof(mem), &error_abort);
        cpu->regs[R_ESI] = STATE_ADDR;
        cpu->regs[R_EDI] = MEM_ADDR;
        cpu->regs[R_RIP] = CODE_ADDR;
        cpu->halted = false;
        x86_cpu_run(cpu, 100, NULL);
        Block *gb = (Block *)(tm->ram + STATE_ADDR);
        uint8_t *gmem = tm->ram + MEM_ADDR;
        bool ok = cpu->halted && !memcmp(hb.xmm, gb->xmm, sizeof(hb.xmm)) &&
                  hb.mxcsr == gb->mxcsr && hb.eax == gb->eax &&
                  hb.mm1 == gb->mm1 && !memcmp(hmem, gmem, sizeof(mem)) &&
                  (!strstr(c->name, "comi") ||
                   ((hb.eflags ^ x86_eflags_get(cpu)) & 0x8d5) == 0);
        if (!ok && bad++ < 3) {
            g_test_message(
                "%s: halted %d xmm %d mxcsr %x/%x eax %llx/%llx "
                "mm1 %llx/%llx mem %d flags %llx/%x",
                c->name, cpu->halted, memcmp(hb.xmm, gb->xmm, 48), hb.mxcsr,
                gb->mxcsr, (unsigned long long)hb.eax,
                (unsigned long long)gb->eax, (unsigned long long)hb.mm1,
                (unsigned long long)gb->mm1, memcmp(hmem, gmem, sizeof(mem)),
                (unsigned long long)(hb.eflags & 0x8d5),
                x86_eflags_get(cpu) & 0x8d5);
        }
    }
    return bad;
}

static void test_wired(void)
{
    FpGen g = {0x9b05688c2b3e6c1full};
    unsigned bad = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        unsigned b = run_case(&cases[i], &g);
        if (b) {
            g_test_message("%s: %u of %d mismatch", cases[i].name, b, ROUNDS);
        }
        bad += b;
    }
    g_test_message("%zu instructions x %d through the CPU, %u mismatches",
                   G_N_ELEMENTS(cases), ROUNDS, bad);
    g_assert_cmpuint(bad, ==, 0);
}

/* A misaligned MOVAPS faults (#GP; without an IDT in the test machine
 * its delivery escalates to #DF), so the HLT after it is not reached. */
static void test_faults(void)
{
    X86CPU *cpu = tm->cpu;
    uint8_t code[] = {0x0f, 0x28, 0x0f, 0xf4}; /* movaps xmm1, [edi] */

    test_machine_load(tm, CODE_ADDR, code, sizeof(code), &error_abort);
    cpu->regs[R_EDI] = MEM_ADDR + 8;
    cpu->regs[R_RIP] = CODE_ADDR;
    cpu->halted = false;
    x86_cpu_run(cpu, 10, NULL);
    g_assert_false(cpu->halted);
    g_assert_true(cpu->last_excp == EXCP_GP || cpu->last_excp == EXCP_DF);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    code_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert(code_page != MAP_FAILED);
    tm = test_machine_new(4, &error_abort);
    x86_cpu_enter_flat32(tm->cpu, CODE_ADDR);
    tm->cpu->cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
    g_test_add_func("/cpu/sse/wired/ops", test_wired);
    g_test_add_func("/cpu/sse/wired/faults", test_faults);
    int r = g_test_run();
    test_machine_free(tm);
    return r;
}
