/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Throughput of the soft-float core, the x87 and the SSE operations, in
 * million operations per second of CPU time (the host is shared; wall
 * time would measure the other jobs) with operands changing every
 * iteration so nothing is hoisted).  Run: build/bench/fpu-bench
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "accel/test-machine.h"
#include "target/i386/cpu.h"
#include "target/i386/fpu/x87.h"
#include "target/i386/sse/sse-ops.h"

#define N 2000000

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void report(const char *what, double t0, unsigned long n, uint64_t sink)
{
    printf("%-28s %8.1f Mops/s   (%llx)\n", what, n / (now() - t0) / 1e6,
           (unsigned long long)(sink & 0xf));
}

typedef Float80 BinF80(FpEnv *e, Float80 a, Float80 b);

static void bench_f80(const char *name, BinF80 *fn)
{
    FpEnv e = { .prec = 64, .masks = 0x3f };
    Float80 a = { 0xc90fdaa22168c235ull, 0x3fff };
    Float80 b = { 0xb17217f7d1cf79acull, 0x3ffe };
    uint64_t sink = 0;
    double t0 = now();

    for (unsigned long i = 0; i < N; i++) {
        b.mant ^= i;
        b.mant |= 1ull << 63;
        sink += fn(&e, a, b).mant;
    }
    report(name, t0, N, sink);
}

static Float80 sqrt2(FpEnv *e, Float80 a, Float80 b)
{
    return f80_sqrt(e, b);
}

static Float80 sin2(FpEnv *e, Float80 a, Float80 b)
{
    bool oor;

    return f80_sin(e, b, &oor);
}

static void bench_x87(void)
{
    X87State s;
    uint32_t ef = 0;
    double t0;

    x87_reset(&s);
    x87_push(&s, f80_make(false, 0x3fff, 1ull << 63));
    x87_push(&s, f80_make(false, 0x3ffe, 0xc000000000000000ull));
    t0 = now();
    for (unsigned long i = 0; i < N; i++) {
        x87_exec_reg(&s, 0xd8, 0xc1, &ef);      /* fadd st0, st1 */
        x87_exec_reg(&s, 0xd8, 0xe1, &ef);      /* fsub st0, st1 */
    }
    report("x87 FADD/FSUB st, st(i)", t0, 2 * N, x87_st(&s, 0).mant);
    t0 = now();
    {
        long double x = 1.0L, y = 0.5L;
        for (unsigned long i = 0; i < N; i++) {
            asm volatile("" : "+t"(x));
            x = x + y;
            x = x - y;
        }
        report("host x87 fadd/fsub", t0, 2 * N, (uint64_t)x);
    }
}

typedef void SseFn(SseEnv *env, XMMReg *d, const XMMReg *s, uint8_t imm);

static void bench_sse(const char *name, SseFn *fn)
{
    XMMReg d = { .d = { 0x3f800000, 0x40000000, 0x40400000, 0x40800000 } };
    XMMReg s = { .d = { 0x3f000000, 0x3e800000, 0x3e000000, 0x3d800000 } };
    SseEnv env;
    uint32_t mx = MXCSR_DEFAULT;
    double t0 = now();

    for (unsigned long i = 0; i < N; i++) {
        sse_env_init(&env, mx, 16);
        s.d[0] ^= (uint32_t)i & 0xff;
        fn(&env, &d, &s, 0);
        sse_commit(&env, &mx);
    }
    report(name, t0, N, d.q[0]);
}

/* A guest loop of SSE2 string-search instructions (as glibc's strlen
 * uses them) and one of x87 arithmetic, run on the emulated CPU. */
static void bench_guest(const char *name, const uint8_t *body, int len,
                        int insns_per_iter)
{
    uint8_t code[64];
    TestMachine *m = test_machine_new(4, &error_abort);
    X86CPU *cpu = m->cpu;
    uint64_t done = 0;
    const unsigned iters = 1000000;
    double t0;
    int n = 0;

    code[n++] = 0xb9;                              /* mov ecx, iters */
    memcpy(code + n, &iters, 4);
    n += 4;
    memcpy(code + n, body, len);
    n += len;
    code[n++] = 0x49;                              /* dec ecx */
    code[n++] = 0x75;                              /* jnz body */
    code[n] = (uint8_t)(-(len + 3));
    n++;
    code[n++] = 0xf4;
    test_machine_load(m, 0x10000, code, n, &error_abort);
    x86_cpu_enter_flat32(cpu, 0x10000);
    cpu->cr4 |= CR4_OSFXSR;
    cpu->regs[R_ESI] = 0x20000;
    t0 = now();
    while (!cpu->halted && done < 20ull * iters) {
        uint64_t k = 0;
        x86_cpu_run(cpu, 10000000, &k);
        done += k;
    }
    if (!cpu->halted) {
        printf("%s: the guest loop did not finish\n", name);
    }
    report(name, t0, (unsigned long)iters * (insns_per_iter + 2), done);
    test_machine_free(m);
}

int main(void)
{
    bench_f80("f80 add", f80_add);
    bench_f80("f80 mul", f80_mul);
    bench_f80("f80 div", f80_div);
    bench_f80("f80 sqrt", sqrt2);
    bench_f80("f80 sin", sin2);
    bench_x87();
    bench_sse("sse addps (4 lanes)", sse_addps);
    bench_sse("sse mulpd (2 lanes)", sse_mulpd);
    bench_sse("sse paddb (16 lanes)", sse_paddb);
    bench_sse("sse pcmpeqb (16 lanes)", sse_pcmpeqb);
    bench_sse("sse pxor", sse_pxor);
    static const uint8_t sse_loop[] = {
        0x66, 0x0f, 0x74, 0xca,         /* pcmpeqb xmm1, xmm2 */
        0x66, 0x0f, 0xd7, 0xc1,         /* pmovmskb eax, xmm1 */
        0x66, 0x0f, 0xef, 0xc9,         /* pxor xmm1, xmm1 */
        0x66, 0x0f, 0x6f, 0x16,         /* movdqa xmm2, [esi] */
    };
    static const uint8_t x87_loop[] = {
        0xd9, 0xe8,                     /* fld1 */
        0xd8, 0xc0,                     /* fadd st0, st0 */
        0xdd, 0xd8,                     /* fstp st0 */
    };
    bench_guest("guest SSE2 loop (insns)", sse_loop, sizeof(sse_loop), 4);
    bench_guest("guest x87 loop (insns)", x87_loop, sizeof(x87_loop), 3);
    return 0;
}
