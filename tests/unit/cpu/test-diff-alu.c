/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Differential tests of the integer instructions against the host CPU.
 *
 * Each case is one instruction, encoded for every operand size it has
 * (8, 16, 32, 64 bits; register and memory forms).  It runs natively in an
 * executable buffer inside this process and on the emulated CPU in 64-bit
 * mode, from the same registers, flags and memory, over edge values and
 * random inputs; results, memory and every flag the SDM defines for the
 * instruction must match.  Undefined flags are masked per instruction as
 * the SDM describes them (vol. 2, "Flags Affected" of each mnemonic).
 */
#include <string.h>
#include <sys/mman.h>
#include <cpuid.h>
#include <glib.h>

#include "accel/test-machine.h"
#include "target/i386/cpu.h"
#include "target/i386/mem.h"

#define CODE_ADDR 0x10000
#define MEM_ADDR  0x20000
#define STACK_TOP 0x30000
#define F_CF 0x001
#define F_PF 0x004
#define F_AF 0x010
#define F_ZF 0x040
#define F_SF 0x080
#define F_OF 0x800
#define F_ALL (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

typedef struct State {
    uint64_t r[6];      /* rax rbx rcx rdx rsi rdi */
    uint64_t flags_in, flags_out;
    uint8_t mem[256] __attribute__((aligned(16)));
} State;

/* Kinds of input constraint and flag masking. */
enum {
    K_PLAIN, K_LOGIC, K_MUL, K_DIV, K_IDIV, K_SHIFT, K_ROT, K_SHXD, K_BT,
    K_BSF, K_CNT, K_NOFLAGS, K_CX8, K_STR,
};

typedef struct DiffCase {
    const char *name;
    const char *enc[4];     /* hex bytes for 8, 16, 32, 64-bit; NULL = none */
    int kind;
    uint32_t undef;         /* always-undefined flags */
    uint32_t need_ecx;      /* host CPUID.1/80000001 feature needed */
} DiffCase;

/*
 * ModRM D8 = (reg EBX, r/m EAX); 1E = (reg EBX, r/m [RSI]); C3/CB ...
 * Register conventions: op0 = rAX (or [RSI] in memory forms), op1 = rBX,
 * counts in CL.
 */
static const DiffCase cases[] = {
    { "add", { "00d8", "6601d8", "01d8", "4801d8" }, K_PLAIN, 0 },
    { "add-mem", { "001e", "66011e", "011e", "48011e" }, K_PLAIN, 0 },
    { "adc", { "10d8", "6611d8", "11d8", "4811d8" }, K_PLAIN, 0 },
    { "sbb", { "18d8", "6619d8", "19d8", "4819d8" }, K_PLAIN, 0 },
    { "sbb-mem", { "181e", "66191e", "191e", "48191e" }, K_PLAIN, 0 },
    { "sub", { "28d8", "6629d8", "29d8", "4829d8" }, K_PLAIN, 0 },
    { "cmp", { "38d8", "6639d8", "39d8", "4839d8" }, K_PLAIN, 0 },
    { "cmp-rev", { "3ac3", "663bc3", "3bc3", "483bc3" }, K_PLAIN, 0 },
    { "and", { "20d8", "6621d8", "21d8", "4821d8" }, K_LOGIC, F_AF },
    { "or", { "08d8", "6609d8", "09d8", "4809d8" }, K_LOGIC, F_AF },
    { "xor", { "30d8", "6631d8", "31d8", "4831d8" }, K_LOGIC, F_AF },
    { "xor-mem", { "301e", "66311e", "311e", "48311e" }, K_LOGIC, F_AF },
    { "test", { "84d8", "6685d8", "85d8", "4885d8" }, K_LOGIC, F_AF },
    { "add-imm8s", { "80c085", "6683c085", "83c085", "4883c085" }, K_PLAIN },
    { "sub-imm", { "80e87f", "662de980", "2d01000080", "482d01000080" },
      K_PLAIN },
    { "inc", { "fec0", "66ffc0", "ffc0", "48ffc0" }, K_PLAIN, 0 },
    { "dec", { "fec8", "66ffc8", "ffc8", "48ffc8" }, K_PLAIN, 0 },
    { "dec-mem", { "fe0e", "66ff0e", "ff0e", "48ff0e" }, K_PLAIN, 0 },
    { "neg", { "f6d8", "66f7d8", "f7d8", "48f7d8" }, K_PLAIN, 0 },
    { "not", { "f6d0", "66f7d0", "f7d0", "48f7d0" }, K_NOFLAGS, 0 },
    { "mul", { "f6e3", "66f7e3", "f7e3", "48f7e3" }, K_MUL,
      F_SF | F_ZF | F_AF | F_PF },
    { "imul1", { "f6eb", "66f7eb", "f7eb", "48f7eb" }, K_MUL,
      F_SF | F_ZF | F_AF | F_PF },
    { "imul2", { NULL, "660fafc3", "0fafc3", "480fafc3" }, K_MUL,
      F_SF | F_ZF | F_AF | F_PF },
    { "imul3", { NULL, "666bc3f9", "69c300000180", "486bc37f" }, K_MUL,
      F_SF | F_ZF | F_AF | F_PF },
    { "div", { "f6f3", "66f7f3", "f7f3", "48f7f3" }, K_DIV, F_ALL },
    { "idiv", { "f6fb", "66f7fb", "f7fb", "48f7fb" }, K_IDIV, F_ALL },
    { "shl", { "d2e0", "66d3e0", "d3e0", "48d3e0" }, K_SHIFT, 0 },
    { "shr", { "d2e8", "66d3e8", "d3e8", "48d3e8" }, K_SHIFT, 0 },
    { "sar", { "d2f8", "66d3f8", "d3f8", "48d3f8" }, K_SHIFT, 0 },
    { "sar-mem", { "d23e", "66d33e", "d33e", "48d33e" }, K_SHIFT, 0 },
    { "shl1", { "d0e0", "66d1e0", "d1e0", "48d1e0" }, K_SHIFT, 0 },
    { "shr-imm", { "c0e803", "66c1e80f", "c1e81f", "48c1e83f" }, K_SHIFT },
    { "rol", { "d2c0", "66d3c0", "d3c0", "48d3c0" }, K_ROT, 0 },
    { "ror", { "d2c8", "66d3c8", "d3c8", "48d3c8" }, K_ROT, 0 },
    { "rcl", { "d2d0", "66d3d0", "d3d0", "48d3d0" }, K_ROT, 0 },
    { "rcr", { "d2d8", "66d3d8", "d3d8", "48d3d8" }, K_ROT, 0 },
    { "rcr1", { "d0d8", "66d1d8", "d1d8", "48d1d8" }, K_ROT, 0 },
    { "shld", { NULL, "660fa5d8", "0fa5d8", "480fa5d8" }, K_SHXD, 0 },
    { "shrd", { NULL, "660fadd8", "0fadd8", "480fadd8" }, K_SHXD, 0 },
    { "bt", { NULL, "660fa3d8", "0fa3d8", "480fa3d8" }, K_BT,
      F_OF | F_SF | F_AF | F_PF },
    { "bts", { NULL, "660fabd8", "0fabd8", "480fabd8" }, K_BT,
      F_OF | F_SF | F_AF | F_PF },
    { "btr-mem", { NULL, "660fb31e", "0fb31e", "480fb31e" }, K_BT,
      F_OF | F_SF | F_AF | F_PF },
    { "btc-imm", { NULL, "660fbaf80d", "0fbaf81d", "480fbaf83d" }, K_BT,
      F_OF | F_SF | F_AF | F_PF },
    { "bsf", { NULL, "660fbcc3", "0fbcc3", "480fbcc3" }, K_BSF,
      F_CF | F_OF | F_SF | F_AF | F_PF },
    { "bsr", { NULL, "660fbdc3", "0fbdc3", "480fbdc3" }, K_BSF,
      F_CF | F_OF | F_SF | F_AF | F_PF },
    { "popcnt", { NULL, "66f30fb8c3", "f30fb8c3", "f3480fb8c3" }, K_CNT, 0,
      1u << 23 },
    { "lzcnt", { NULL, "66f30fbdc3", "f30fbdc3", "f3480fbdc3" }, K_CNT,
      F_OF | F_SF | F_AF | F_PF, 0x80000000u | 5 },
    { "bswap", { NULL, NULL, "0fc8", "480fc8" }, K_NOFLAGS, 0 },
    { "movbe-load", { NULL, "660f38f01e", "0f38f01e", "480f38f01e" },
      K_NOFLAGS, 0, 1u << 22 },
    { "movbe-store", { NULL, "660f38f11e", "0f38f11e", "480f38f11e" },
      K_NOFLAGS, 0, 1u << 22 },
    { "crc32", { "f20f38f0c3", "66f20f38f1c3", "f20f38f1c3",
                 "f2480f38f1c3" }, K_NOFLAGS, 0, 1u << 20 },
    { "crc32-mem", { "f20f38f01e", "66f20f38f11e", "f20f38f11e",
                     "f2480f38f11e" }, K_NOFLAGS, 0, 1u << 20 },
    { "xadd", { "0fc0d8", "660fc1d8", "0fc1d8", "480fc1d8" }, K_PLAIN, 0 },
    { "cmpxchg", { "0fb0d8", "660fb1d8", "0fb1d8", "480fb1d8" }, K_PLAIN },
    { "cmpxchg-mem", { "0fb01e", "660fb11e", "0fb11e", "480fb11e" },
      K_PLAIN },
    { "cmpxchg8b", { NULL, NULL, "0fc74ef8", NULL }, K_CX8, 0 },
    { "cmpxchg16b", { NULL, NULL, NULL, "480fc74ef8" }, K_CX8, 0,
      1u << 13 },
    { "rep-stos", { "f3aa", "66f3ab", "f3ab", "f348ab" }, K_STR, 0 },
    { "rep-movs", { "f3a4", "66f3a5", "f3a5", "f348a5" }, K_STR, 0 },
    { "lods", { "ac", "66ad", "ad", "48ad" }, K_STR, 0 },
    { "repe-cmps", { "f3a6", "66f3a7", "f3a7", "f348a7" }, K_STR, 0 },
    { "repne-scas", { "f2ae", "66f2af", "f2af", "f248af" }, K_STR, 0 },
    { "xchg", { "86d8", "6687d8", "87d8", "4887d8" }, K_NOFLAGS, 0 },
    { "movzx", { NULL, "660fb6c3", "0fb7c3", "480fb6c3" }, K_NOFLAGS, 0 },
    { "movsx", { NULL, "660fbec3", "0fbfc3", "480fbfc3" }, K_NOFLAGS, 0 },
    { "movsxd", { NULL, NULL, NULL, "4863c3" }, K_NOFLAGS, 0 },
    { "cbw", { NULL, "6698", "98", "4898" }, K_NOFLAGS, 0 },
    { "cwd", { NULL, "6699", "99", "4899" }, K_NOFLAGS, 0 },
    { "lea", { NULL, "668d4c5f07", "8d4c5f07", "488d4c9f80" }, K_NOFLAGS },
    { "seto", { "0f90c0" }, K_NOFLAGS }, { "setb", { "0f92c0" }, K_NOFLAGS },
    { "setz", { "0f94c0" }, K_NOFLAGS }, { "setbe", { "0f96c0" }, K_NOFLAGS },
    { "sets", { "0f98c0" }, K_NOFLAGS }, { "setp", { "0f9ac0" }, K_NOFLAGS },
    { "setl", { "0f9cc0" }, K_NOFLAGS }, { "setle", { "0f9ec0" }, K_NOFLAGS },
    { "setnle", { "0f9fc0" }, K_NOFLAGS },
    { "cmovno", { NULL, "660f41c3", "0f41c3", "480f41c3" }, K_NOFLAGS },
    { "cmovae", { NULL, "660f43c3", "0f43c3", "480f43c3" }, K_NOFLAGS },
    { "cmova", { NULL, "660f47c3", "0f47c3", "480f47c3" }, K_NOFLAGS },
    { "cmovge", { NULL, "660f4dc3", "0f4dc3", "480f4dc3" }, K_NOFLAGS },
    { "cmovnp", { NULL, "660f4bc3", "0f4bc3", "480f4bc3" }, K_NOFLAGS },
    /* Conditions read right after a borrow/carry chain. */
    { "sbb-setcc", { "18d80f92c10f9cc2", "6619d80f92c10f9cc20f96c6",
                     "19d80f92c10f9cc20f96c6", "4819d80f92c10f9cc20f96c6" },
      K_PLAIN },
    { "adc-setcc", { "10d80f92c10f9ec2", "6611d80f92c10f9ec20f90c6",
                     "11d80f92c10f9ec20f97c6", "4811d80f92c10f9ec20f97c6" },
      K_PLAIN },
    /* LOCK-prefixed memory forms and XCHG with memory (ops-atomic.c). */
    { "lock-add-mem", { "f0001e", "66f0011e", "f0011e", "f048011e" },
      K_PLAIN },
    { "lock-add-imm", { "f0800685", "66f0830685", "f0830685",
                        "f048830685" }, K_PLAIN },
    { "lock-adc-mem", { "f0101e", "66f0111e", "f0111e", "f048111e" },
      K_PLAIN },
    { "lock-sub-mem", { "f0281e", "66f0291e", "f0291e", "f048291e" },
      K_PLAIN },
    { "lock-sbb-mem", { "f0181e", "66f0191e", "f0191e", "f048191e" },
      K_PLAIN },
    { "lock-and-mem", { "f0201e", "66f0211e", "f0211e", "f048211e" },
      K_LOGIC, F_AF },
    { "lock-or-mem", { "f0081e", "66f0091e", "f0091e", "f048091e" },
      K_LOGIC, F_AF },
    { "lock-xor-mem", { "f0301e", "66f0311e", "f0311e", "f048311e" },
      K_LOGIC, F_AF },
    { "lock-inc-mem", { "f0fe06", "66f0ff06", "f0ff06", "f048ff06" },
      K_PLAIN },
    { "lock-dec-mem", { "f0fe0e", "66f0ff0e", "f0ff0e", "f048ff0e" },
      K_PLAIN },
    { "lock-neg-mem", { "f0f61e", "66f0f71e", "f0f71e", "f048f71e" },
      K_PLAIN },
    { "lock-not-mem", { "f0f616", "66f0f716", "f0f716", "f048f716" },
      K_NOFLAGS },
    { "lock-xadd-mem", { "f00fc01e", "66f00fc11e", "f00fc11e",
                         "f0480fc11e" }, K_PLAIN },
    { "lock-cmpxchg-mem", { "f00fb01e", "66f00fb11e", "f00fb11e",
                            "f0480fb11e" }, K_PLAIN },
    { "xchg-mem", { "861e", "66871e", "871e", "48871e" }, K_NOFLAGS },
    { "lock-bts-mem", { NULL, "66f00fab1e", "f00fab1e", "f0480fab1e" },
      K_BT, F_OF | F_SF | F_AF | F_PF },
    { "lock-btr-mem", { NULL, "66f00fb31e", "f00fb31e", "f0480fb31e" },
      K_BT, F_OF | F_SF | F_AF | F_PF },
    { "lock-btc-imm", { NULL, "66f00fba3e0d", "f00fba3e1d",
                        "f0480fba3e3d" }, K_BT, F_OF | F_SF | F_AF | F_PF },
    { "lock-cmpxchg8b", { NULL, NULL, "f00fc74ef8", NULL }, K_CX8, 0 },
    { "lock-cmpxchg16b", { NULL, NULL, NULL, "f0480fc74ef8" }, K_CX8, 0,
      1u << 13 },
    /* Conditions read right after CMP, TEST, ADD and SHR 1 (the decoder
     * specialises these pairs; SETcc writes CL, DL, DH). */
    { "cmp-setcc", { "38d80f92c10f9cc20f96c6", "6639d80f92c10f9cc20f96c6",
                     "39d80f92c10f9cc20f96c6", "4839d80f92c10f9cc20f96c6" },
      K_PLAIN },
    { "cmp-setcc2", { "38d80f9ec10f98c20f90c6", "6639d80f9ec10f98c20f90c6",
                      "39d80f9ec10f98c20f90c6", "4839d80f9ec10f98c20f90c6" },
      K_PLAIN },
    { "test-setcc", { "84d80f9ec10f9cc20f96c6", "6685d80f9ec10f9cc20f96c6",
                      "85d80f9ec10f9cc20f96c6", "4885d80f9ec10f9cc20f96c6" },
      K_LOGIC, F_AF },
    { "add-setcc", { "00d80f92c10f9cc20f96c6", "6601d80f90c10f9ec20f96c6",
                     "01d80f92c10f9cc20f96c6", "4801d80f90c10f9ec20f96c6" },
      K_PLAIN },
    { "shr1-setcc", { "d0e80f92c10f90c20f9ec6", "66d1e80f92c10f90c20f9ec6",
                      "d1e80f92c10f90c20f9ec6", "48d1e80f92c10f90c20f9ec6" },
      K_PLAIN },
    /* A block-ending ALU instruction and its Jcc run fused: four blocks of
     * "op; Jcc +2; mov r8, 1" each, so the byte registers record which
     * branches were taken. */
    { "cmp-jcc-a", { NULL, NULL,
        "39d87202b10139d87e02b20139d87002b60139d87a02b501",
        "4839d87202b1014839d87e02b2014839d87002b6014839d87a02b501" },
      K_PLAIN },
    { "cmp-jcc-b", { NULL, NULL,
        "39d87302b10139d87f02b20139d87102b60139d87802b501",
        "4839d87302b1014839d87f02b2014839d87102b6014839d87802b501" },
      K_PLAIN },
    { "cmp-jcc-c", { NULL, NULL,
        "39d87602b10139d87c02b20139d87402b60139d87902b501",
        "4839d87602b1014839d87c02b2014839d87402b6014839d87902b501" },
      K_PLAIN },
    { "sub-jcc-a", { NULL, NULL,
        "29d87202b10129d87e02b20129d87002b60129d87a02b501",
        "4829d87202b1014829d87e02b2014829d87002b6014829d87a02b501" },
      K_PLAIN },
    { "sub-jcc-b", { NULL, NULL,
        "29d87302b10129d87f02b20129d87102b60129d87802b501",
        "4829d87302b1014829d87f02b2014829d87102b6014829d87802b501" },
      K_PLAIN },
    { "sub-jcc-c", { NULL, NULL,
        "29d87602b10129d87c02b20129d87402b60129d87902b501",
        "4829d87602b1014829d87c02b2014829d87402b6014829d87902b501" },
      K_PLAIN },
    { "test-jcc-a", { NULL, NULL,
        "85d87202b10185d87e02b20185d87002b60185d87a02b501",
        "4885d87202b1014885d87e02b2014885d87002b6014885d87a02b501" },
      K_LOGIC, F_AF },
    { "test-jcc-b", { NULL, NULL,
        "85d87302b10185d87f02b20185d87102b60185d87802b501",
        "4885d87302b1014885d87f02b2014885d87102b6014885d87802b501" },
      K_LOGIC, F_AF },
    { "test-jcc-c", { NULL, NULL,
        "85d87602b10185d87c02b20185d87402b60185d87902b501",
        "4885d87602b1014885d87c02b2014885d87402b6014885d87902b501" },
      K_LOGIC, F_AF },
    { "and-jcc-a", { NULL, NULL,
        "21d87202b10121d87e02b20121d87002b60121d87a02b501",
        "4821d87202b1014821d87e02b2014821d87002b6014821d87a02b501" },
      K_LOGIC, F_AF },
    { "and-jcc-b", { NULL, NULL,
        "21d87302b10121d87f02b20121d87102b60121d87802b501",
        "4821d87302b1014821d87f02b2014821d87102b6014821d87802b501" },
      K_LOGIC, F_AF },
    { "and-jcc-c", { NULL, NULL,
        "21d87602b10121d87c02b20121d87402b60121d87902b501",
        "4821d87602b1014821d87c02b2014821d87402b6014821d87902b501" },
      K_LOGIC, F_AF },
    { "add-jcc-a", { NULL, NULL,
        "01d87202b10101d87e02b20101d87002b60101d87a02b501",
        "4801d87202b1014801d87e02b2014801d87002b6014801d87a02b501" },
      K_PLAIN },
    { "add-jcc-b", { NULL, NULL,
        "01d87302b10101d87f02b20101d87102b60101d87802b501",
        "4801d87302b1014801d87f02b2014801d87102b6014801d87802b501" },
      K_PLAIN },
    { "add-jcc-c", { NULL, NULL,
        "01d87602b10101d87c02b20101d87402b60101d87902b501",
        "4801d87602b1014801d87c02b2014801d87402b6014801d87902b501" },
      K_PLAIN },
    { "dec-jcc-a", { NULL, NULL,
        "ffc87202b101ffc87e02b201ffc87002b601ffc87a02b501",
        "48ffc87202b10148ffc87e02b20148ffc87002b60148ffc87a02b501" },
      K_PLAIN },
    { "dec-jcc-b", { NULL, NULL,
        "ffc87302b101ffc87f02b201ffc87102b601ffc87802b501",
        "48ffc87302b10148ffc87f02b20148ffc87102b60148ffc87802b501" },
      K_PLAIN },
    { "dec-jcc-c", { NULL, NULL,
        "ffc87602b101ffc87c02b201ffc87402b601ffc87902b501",
        "48ffc87602b10148ffc87c02b20148ffc87402b60148ffc87902b501" },
      K_PLAIN },
    { "inc-jcc-a", { NULL, NULL,
        "ffc07202b101ffc07e02b201ffc07002b601ffc07a02b501",
        "48ffc07202b10148ffc07e02b20148ffc07002b60148ffc07a02b501" },
      K_PLAIN },
    { "inc-jcc-b", { NULL, NULL,
        "ffc07302b101ffc07f02b201ffc07102b601ffc07802b501",
        "48ffc07302b10148ffc07f02b20148ffc07102b60148ffc07802b501" },
      K_PLAIN },
    { "inc-jcc-c", { NULL, NULL,
        "ffc07602b101ffc07c02b201ffc07402b601ffc07902b501",
        "48ffc07602b10148ffc07c02b20148ffc07402b60148ffc07902b501" },
      K_PLAIN },
    /* Memory and narrow forms the decoder specialises (ops-fast-mem.c). */
    { "cmp-mem", { "381e", "66391e", "391e", "48391e" }, K_PLAIN },
    { "cmp-mem-rev", { "3a1e", "663b1e", "3b1e", "483b1e" }, K_PLAIN },
    { "cmp-imm", { "80f87f", "6683f880", "83f8ff", "4883f801" }, K_PLAIN },
    { "sub-mem-rev", { "2a1e", "662b1e", "2b1e", "482b1e" }, K_PLAIN },
    { "or-mem", { "081e", "66091e", "091e", "48091e" }, K_LOGIC, F_AF },
    { "test-mem", { "841e", "66851e", "851e", "48851e" }, K_LOGIC, F_AF },
    { "and-mem-imm", { "802685", "66832685", "83268f", "4883268f" },
      K_LOGIC, F_AF },
    { "add-mem-imm", { "800685", "66810601f0", "810601000080",
                       "48810601000080" }, K_PLAIN },
    { "cmp-mem-imm", { "803e85", "66833e85", "833e01", "48833eff" },
      K_PLAIN },
    { "mov-store", { "881e", "66891e", "891e", "48891e" }, K_NOFLAGS },
    { "mov-load", { "8a1e", "668b1e", "8b1e", "488b1e" }, K_NOFLAGS },
    { "mov-imm", { "c60685", "66c7068580", "c70601800080",
                   "48c70601800080" }, K_NOFLAGS },
    { "mov-r8", { "88d8", "88fc", "8ac7", "b485" }, K_NOFLAGS },
    { "movzx-mem", { NULL, "660fb61e", "0fb71e", "480fb61e" }, K_NOFLAGS },
    { "movsx-mem", { NULL, "660fbe1e", "0fbf1e", "480fbe1e" }, K_NOFLAGS },
    { "movsx-r8", { NULL, "0fbedc", "0fbec4", "480fbfc3" }, K_NOFLAGS },
    { "movsxd-mem", { NULL, NULL, NULL, "48631e" }, K_NOFLAGS },
    { "cmov-mem", { NULL, "660f421e", "0f421e", "480f4f1e" }, K_NOFLAGS },
    { "lea-sib", { NULL, NULL, "8d04d8", "488d4498f0" }, K_NOFLAGS },
    { "imul-mem", { NULL, "660faf1e", "0faf1e", "480faf1e" }, K_MUL,
      F_SF | F_ZF | F_AF | F_PF },
    { "imul3-mem", { NULL, "666b1e85", "691e01000080", "486b1e85" }, K_MUL,
      F_SF | F_ZF | F_AF | F_PF },
    { "shl-imm", { "c0e003", "66c1e00f", "c1e01f", "48c1e03f" }, K_SHIFT },
    { "sar-imm", { "c0f803", "66c1f80f", "c1f81f", "48c1f821" }, K_SHIFT },
    { "lahf", { "9f" }, K_NOFLAGS }, { "sahf", { "9e" }, K_PLAIN },
    { "cmc", { "f5" }, K_PLAIN }, { "stc", { "f9" }, K_PLAIN },
    { "clc", { "f8" }, K_PLAIN },
    /* The other condition codes (SDM vol. 1 table B-1). */
    { "setno", { "0f91c0" }, K_NOFLAGS }, { "setae", { "0f93c0" }, K_NOFLAGS },
    { "setnz", { "0f95c0" }, K_NOFLAGS }, { "seta", { "0f97c0" }, K_NOFLAGS },
    { "setns", { "0f99c0" }, K_NOFLAGS }, { "setnp", { "0f9bc0" }, K_NOFLAGS },
    { "setge", { "0f9dc0" }, K_NOFLAGS },
    { "cmovo", { NULL, "660f40c3", "0f40c3", "480f40c3" }, K_NOFLAGS },
    { "cmovb", { NULL, "660f42c3", "0f42c3", "480f42c3" }, K_NOFLAGS },
    { "cmove", { NULL, "660f44c3", "0f44c3", "480f44c3" }, K_NOFLAGS },
    { "cmovne", { NULL, "660f45c3", "0f45c3", "480f45c3" }, K_NOFLAGS },
    { "cmovbe", { NULL, "660f46c3", "0f46c3", "480f46c3" }, K_NOFLAGS },
    { "cmovs", { NULL, "660f48c3", "0f48c3", "480f48c3" }, K_NOFLAGS },
    { "cmovns", { NULL, "660f49c3", "0f49c3", "480f49c3" }, K_NOFLAGS },
    { "cmovp", { NULL, "660f4ac3", "0f4ac3", "480f4ac3" }, K_NOFLAGS },
    { "cmovl", { NULL, "660f4cc3", "0f4cc3", "480f4cc3" }, K_NOFLAGS },
    { "cmovle", { NULL, "660f4ec3", "0f4ec3", "480f4ec3" }, K_NOFLAGS },
    { "cmovg", { NULL, "660f4fc3", "0f4fc3", "480f4fc3" }, K_NOFLAGS },
    /* Read-modify-write memory forms of the unary, rotate and
     * double-shift groups. */
    { "neg-mem", { "f61e", "66f71e", "f71e", "48f71e" }, K_PLAIN, 0 },
    { "not-mem", { "f616", "66f716", "f716", "48f716" }, K_NOFLAGS, 0 },
    { "rcl1-mem", { "d016", "66d116", "d116", "48d116" }, K_ROT, 0 },
    { "ror-mem", { "d20e", "66d30e", "d30e", "48d30e" }, K_ROT, 0 },
    { "shld-mem", { NULL, "660fa51e", "0fa51e", "480fa51e" }, K_SHXD, 0 },
    { "bts-mem", { NULL, "660fab1e", "0fab1e", "480fab1e" }, K_BT,
      F_OF | F_SF | F_AF | F_PF },
    /* CMP/TEST with memory or an 8-bit register, fused with the Jcc
     * (ops-fast-mem.c), in the pattern of the register pairs above; the
     * byte forms sit in the first and last columns. */
    { "cmp-mem-jcc-a", { "381e7202b101381e7e02b201381e7002b601381e7a02b501",
        "66391e7202b10166391e7e02b20166391e7002b60166391e7a02b501",
        "391e7202b101391e7e02b201391e7002b601391e7a02b501",
        "48391e7202b10148391e7e02b20148391e7002b60148391e7a02b501" },
      K_PLAIN },
    { "cmp-mem-jcc-b", { "381e7302b101381e7f02b201381e7102b601381e7802b501",
        "66391e7302b10166391e7f02b20166391e7102b60166391e7802b501",
        "391e7302b101391e7f02b201391e7102b601391e7802b501",
        "48391e7302b10148391e7f02b20148391e7102b60148391e7802b501" },
      K_PLAIN },
    { "cmp-mem-jcc-c", { "381e7602b101381e7c02b201381e7402b601381e7902b501",
        "66391e7602b10166391e7c02b20166391e7402b60166391e7902b501",
        "391e7602b101391e7c02b201391e7402b601391e7902b501",
        "48391e7602b10148391e7c02b20148391e7402b60148391e7902b501" },
      K_PLAIN },
    { "cmp-mem-rev-jcc-a", { NULL,
        NULL,
        "3b1e7202b1013b1e7e02b2013b1e7002b6013b1e7a02b501",
        "483b1e7202b101483b1e7e02b201483b1e7002b601483b1e7a02b501" },
      K_PLAIN },
    { "cmp-mem-rev-jcc-b", { NULL,
        NULL,
        "3b1e7302b1013b1e7f02b2013b1e7102b6013b1e7802b501",
        "483b1e7302b101483b1e7f02b201483b1e7102b601483b1e7802b501" },
      K_PLAIN },
    { "cmp-mem-rev-jcc-c", { NULL,
        NULL,
        "3b1e7602b1013b1e7c02b2013b1e7402b6013b1e7902b501",
        "483b1e7602b101483b1e7c02b201483b1e7402b601483b1e7902b501" },
      K_PLAIN },
    { "cmp-mem-imm-jcc-a", { "803e857202b101803e857e02b201803e857002b601803e857a02b501",
        NULL,
        "833e017202b101833e017e02b201833e017002b601833e017a02b501",
        "48833eff7202b10148833eff7e02b20148833eff7002b60148833eff7a02b501" },
      K_PLAIN },
    { "cmp-mem-imm-jcc-b", { "803e857302b101803e857f02b201803e857102b601803e857802b501",
        NULL,
        "833e017302b101833e017f02b201833e017102b601833e017802b501",
        "48833eff7302b10148833eff7f02b20148833eff7102b60148833eff7802b501" },
      K_PLAIN },
    { "cmp-mem-imm-jcc-c", { "803e857602b101803e857c02b201803e857402b601803e857902b501",
        NULL,
        "833e017602b101833e017c02b201833e017402b601833e017902b501",
        "48833eff7602b10148833eff7c02b20148833eff7402b60148833eff7902b501" },
      K_PLAIN },
    { "cmp-r8-jcc-a", { "38d87202b10138d87e02b20138d87002b60138d87a02b501",
        NULL,
        "80fb857202b10180fb857e02b20180fb857002b60180fb857a02b501",
        "3c857202b1013c857e02b2013c857002b6013c857a02b501" },
      K_PLAIN },
    { "cmp-r8-jcc-b", { "38d87302b10138d87f02b20138d87102b60138d87802b501",
        NULL,
        "80fb857302b10180fb857f02b20180fb857102b60180fb857802b501",
        "3c857302b1013c857f02b2013c857102b6013c857802b501" },
      K_PLAIN },
    { "cmp-r8-jcc-c", { "38d87602b10138d87c02b20138d87402b60138d87902b501",
        NULL,
        "80fb857602b10180fb857c02b20180fb857402b60180fb857902b501",
        "3c857602b1013c857c02b2013c857402b6013c857902b501" },
      K_PLAIN },
    { "test-mem-jcc-a", { "841e7202b101841e7e02b201841e7002b601841e7a02b501",
        NULL,
        "851e7202b101851e7e02b201851e7002b601851e7a02b501",
        "48851e7202b10148851e7e02b20148851e7002b60148851e7a02b501" },
      K_LOGIC, F_AF },
    { "test-mem-jcc-b", { "841e7302b101841e7f02b201841e7102b601841e7802b501",
        NULL,
        "851e7302b101851e7f02b201851e7102b601851e7802b501",
        "48851e7302b10148851e7f02b20148851e7102b60148851e7802b501" },
      K_LOGIC, F_AF },
    { "test-mem-jcc-c", { "841e7602b101841e7c02b201841e7402b601841e7902b501",
        NULL,
        "851e7602b101851e7c02b201851e7402b601851e7902b501",
        "48851e7602b10148851e7c02b20148851e7402b60148851e7902b501" },
      K_LOGIC, F_AF },
    { "test-mem-imm-jcc-a", { "f606857202b101f606857e02b201f606857002b601f606857a02b501",
        NULL,
        "f706010000807202b101f706010000807e02b201f706010000807002b601f706010000807a02b501",
        "48f706010000807202b10148f706010000807e02b20148f706010000807002b60148f706010000807a02b501" },
      K_LOGIC, F_AF },
    { "test-mem-imm-jcc-b", { "f606857302b101f606857f02b201f606857102b601f606857802b501",
        NULL,
        "f706010000807302b101f706010000807f02b201f706010000807102b601f706010000807802b501",
        "48f706010000807302b10148f706010000807f02b20148f706010000807102b60148f706010000807802b501" },
      K_LOGIC, F_AF },
    { "test-mem-imm-jcc-c", { "f606857602b101f606857c02b201f606857402b601f606857902b501",
        NULL,
        "f706010000807602b101f706010000807c02b201f706010000807402b601f706010000807902b501",
        "48f706010000807602b10148f706010000807c02b20148f706010000807402b60148f706010000807902b501" },
      K_LOGIC, F_AF },
    { "test-r8-jcc-a", { "84d87202b10184d87e02b20184d87002b60184d87a02b501",
        NULL,
        "84fc7202b10184fc7e02b20184fc7002b60184fc7a02b501",
        "a8857202b101a8857e02b201a8857002b601a8857a02b501" },
      K_LOGIC, F_AF },
    { "test-r8-jcc-b", { "84d87302b10184d87f02b20184d87102b60184d87802b501",
        NULL,
        "84fc7302b10184fc7f02b20184fc7102b60184fc7802b501",
        "a8857302b101a8857f02b201a8857102b601a8857802b501" },
      K_LOGIC, F_AF },
    { "test-r8-jcc-c", { "84d87602b10184d87c02b20184d87402b60184d87902b501",
        NULL,
        "84fc7602b10184fc7c02b20184fc7402b60184fc7902b501",
        "a8857602b101a8857c02b201a8857402b601a8857902b501" },
      K_LOGIC, F_AF },
    /* ROL/ROR of a register by an immediate (and by one), alone and
     * after an ADD whose SF ZF AF PF they keep. */
    { "rol-imm", { "c0c003", "66c1c00f", "c1c01f", "48c1c025" }, K_ROT },
    { "ror-imm", { "c0c803", "66c1c80f", "c1c81f", "48c1c825" }, K_ROT },
    { "rol1", { "d0c0", "66d1c0", "d1c0", "48d1c0" }, K_ROT },
    { "ror1", { "d0c8", "66d1c8", "d1c8", "48d1c8" }, K_ROT },
    { "add-ror-imm", { "00d8c0c803", "6601d866c1c80f", "01d8c1c81f",
                       "4801d848c1c825" }, K_ROT },
    { "add-rol-cl", { NULL, NULL, "01d8d3c0", "4801d848d3c0" }, K_ROT },
    /* PUSH and POP of registers and immediates; the 16-bit column uses
     * 16-bit pushes, which stay generic.  PUSH RSP / POP RSP: RAX ends as
     * the difference of RSP before and after, 0. */
    { "push-pop", { NULL, "6650665366586659", "53505b58",
                    "5350415a5b415258" }, K_NOFLAGS },
    { "push-imm-pop", { NULL, "666a85665a", "6a855a68010000805f",
                        "68010000805f" }, K_NOFLAGS },
    { "push-rsp", { NULL, NULL, NULL, "545c54584829e0" }, K_PLAIN },
};

static const uint64_t edges[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
};

typedef void (*NativeFn)(State *s);

static uint8_t *native_buf;
static TestMachine *tm;

static int hexbytes(const char *hex, uint8_t *out)
{
    int n = 0;
    for (; hex[0] && hex[1]; hex += 2) {
        out[n++] = g_ascii_xdigit_value(hex[0]) << 4 |
                   g_ascii_xdigit_value(hex[1]);
    }
    return n;
}

/* Build the native stub around the instruction (see the file comment). */
static NativeFn native_build(const uint8_t *insn, int len)
{
    static const char *pre = "53" "55" "4989fb" "498b03" "498b5b08"
                             "498b4b10" "498b5318" "498b7320" "498b7b28"
                             "41ff7330" "9d";
    static const char *post = "9c" "418f4338" "498903" "49895b08"
                              "49894b10" "49895318" "49897320" "49897b28"
                              "5d" "5b" "c3";
    int n = hexbytes(pre, native_buf);
    memcpy(native_buf + n, insn, len);
    n += len;
    hexbytes(post, native_buf + n);
    __builtin___clear_cache((char *)native_buf, (char *)native_buf + 256);
    return (NativeFn)(void *)native_buf;
}

/* Put the test machine's CPU in 64-bit mode with identity paging. */
static void enter_long_mode(TestMachine *m)
{
    X86CPU *cpu = m->cpu;
    uint64_t pml4 = 0x1000, pdpt = 0x2000, pd = 0x3000;
    uint64_t e;

    e = pdpt | 3;
    test_machine_load(m, pml4, &e, 8, &error_abort);
    e = pd | 3;
    test_machine_load(m, pdpt, &e, 8, &error_abort);
    for (uint64_t k = 0; k < 4; k++) {
        e = (k << 21) | 0x83;
        test_machine_load(m, pd + k * 8, &e, 8, &error_abort);
    }
    x86_cpu_enter_flat32(cpu, CODE_ADDR);
    x86_set_cr4(cpu, CR4_PAE);
    cpu->cr3 = pml4;
    g_assert_true(x86_msr_write(cpu, 0xc0000080, EFER_LME));
    x86_set_cr0(cpu, cpu->cr0 | CR0_PG);
    g_assert_true(cpu->long_mode);
    x86_seg_set_cache(cpu, R_CS, 0x08, 0, 0xffffffff,
                      DESC_P | DESC_S | DESC_CODE | DESC_RW | DESC_L);
    g_assert_cmpint(cpu->code_size, ==, 8);
}

static void emu_run(State *s)
{
    X86CPU *cpu = tm->cpu;
    for (int k = 0; k < 6; k++) {
        cpu->regs[k < 4 ? (int[]){ R_EAX, R_EBX, R_ECX, R_EDX }[k]
                        : k == 4 ? R_ESI : R_EDI] = s->r[k];
    }
    cpu->regs[R_ESP] = STACK_TOP;
    memcpy(tm->ram + MEM_ADDR, s->mem, sizeof(s->mem));
    x86_cpu_phys_written(cpu, MEM_ADDR, sizeof(s->mem));
    x86_eflags_set(cpu, s->flags_in, 0xffffffffu);
    cpu->regs[R_RIP] = CODE_ADDR;
    cpu->halted = false;
    x86_cpu_run(cpu, 1000, NULL);
    g_assert_true(cpu->halted);
    s->r[0] = cpu->regs[R_EAX];
    s->r[1] = cpu->regs[R_EBX];
    s->r[2] = cpu->regs[R_ECX];
    s->r[3] = cpu->regs[R_EDX];
    s->r[4] = cpu->regs[R_ESI];
    s->r[5] = cpu->regs[R_EDI];
    s->flags_out = x86_eflags_get(cpu);
    memcpy(s->mem, tm->ram + MEM_ADDR, sizeof(s->mem));
}

static uint64_t pick(void)
{
    uint32_t r = g_test_rand_int_range(0, 4);
    if (r == 0) {
        return edges[g_test_rand_int_range(0, G_N_ELEMENTS(edges))];
    }
    if (r == 1) {
        return edges[g_test_rand_int_range(0, G_N_ELEMENTS(edges))] +
               g_test_rand_int_range(-2, 3);
    }
    return (uint64_t)g_test_rand_int() << 32 | (uint32_t)g_test_rand_int();
}

static uint64_t sext(uint64_t v, unsigned bytes)
{
    unsigned sh = 64 - bytes * 8;
    return (uint64_t)((int64_t)(v << sh) >> sh);
}

/* Inputs that would fault (#DE) natively are replaced; returns false to
 * skip a case whose result the SDM leaves undefined. */
static bool constrain(const DiffCase *c, unsigned bytes, State *s)
{
    uint64_t m = bytes == 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
    unsigned bits = bytes * 8;
    switch (c->kind) {
    case K_DIV:
        if ((s->r[1] & m) == 0) {
            s->r[1] |= 1;
        }
        if (bytes == 1) {
            s->r[0] = (s->r[0] & ~0xffffull) |
                      (((s->r[0] >> 8) & 0xff) % (s->r[1] & 0xff)) << 8 |
                      (s->r[0] & 0xff);
        } else {
            s->r[3] = (s->r[3] & ~m) | ((s->r[3] & m) % (s->r[1] & m));
        }
        return true;
    case K_IDIV: {
        int64_t d = (int64_t)sext(s->r[1], bytes);
        if (d == 0 || d == -1) {
            s->r[1] = (s->r[1] & ~m) | 3;
            d = 3;
        }
        /* Small dividend: high half is the sign extension of the low. */
        if (bytes == 1) {
            s->r[0] = (s->r[0] & ~0xffffull) |
                      (sext(s->r[0], 1) & 0xffff);
        } else {
            s->r[3] = (s->r[3] & ~m) |
                      ((sext(s->r[0], bytes) >> 63) ? m : 0);
        }
        return true;
    }
    case K_SHIFT: case K_ROT: case K_SHXD:
        s->r[2] = (s->r[2] & ~0xffull) | g_test_rand_int_range(0, 70);
        if (c->kind == K_SHXD && bytes == 2 && (s->r[2] & 31) > 16) {
            return false;       /* result undefined above 16 */
        }
        (void)bits;
        return true;
    case K_STR:
        /* Count, and source/destination offsets inside the buffer. */
        s->r[2] = g_test_rand_int_range(0, 14);
        s->r[4] = g_test_rand_int_range(0, 256 - 15 * bytes);
        s->r[5] = g_test_rand_int_range(0, 256 - 15 * bytes);
        if (g_test_rand_bit()) {
            s->r[5] = s->r[4] + g_test_rand_int_range(0, 3) * bytes / 2;
        }
        if (g_test_rand_bit()) {
            /* Make REPE/REPNE comparisons stop somewhere. */
            memmove(&s->mem[s->r[5]], &s->mem[s->r[4]], 14 * bytes);
            s->mem[s->r[5] + g_test_rand_int_range(0, 14 * bytes)] ^= 1;
            memcpy(&s->r[0], &s->mem[s->r[5] + bytes * 3], 8);
        }
        return true;
    case K_CX8:
        /* Half the time the comparand matches memory at [rsi - 8]. */
        if (g_test_rand_bit()) {
            memcpy(&s->r[0], s->mem, bytes == 8 ? 8 : 4);
            memcpy(&s->r[3], s->mem + (bytes == 8 ? 8 : 4), bytes == 8 ? 8 : 4);
        }
        return true;
    case K_BT:
        if (strstr(c->name, "mem")) {
            s->r[1] = (uint64_t)(int64_t)g_test_rand_int_range(-64, 128);
        }
        return true;
    default:
        return true;
    }
}

/* Flags to compare for this case and input. */
static uint32_t defined_flags(const DiffCase *c, unsigned bytes,
                              const State *in)
{
    uint32_t mask = F_ALL & ~c->undef;
    unsigned cnt = in->r[2] & (bytes == 8 ? 63 : 31);
    bool imm_count = strstr(c->name, "imm") || strstr(c->name, "1");

    if ((c->kind == K_SHIFT || c->kind == K_ROT || c->kind == K_SHXD) &&
        imm_count) {
        cnt = strstr(c->name, "1") ? 1 : 2;
    }
    switch (c->kind) {
    case K_SHIFT: case K_SHXD:
        if (cnt == 0) {
            return mask;
        }
        mask &= ~F_AF;
        if (cnt != 1) {
            mask &= ~F_OF;
        }
        return mask;
    case K_ROT:
        return cnt == 1 ? mask : mask & ~F_OF;
    case K_BSF:
        return mask;
    default:
        return mask;
    }
}

static bool host_has(uint32_t need)
{
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!need) {
        return true;
    }
    if (need & 0x80000000u) {
        __get_cpuid(0x80000001, &a, &b, &c, &d);
        return (c >> (need & 31)) & 1;
    }
    __get_cpuid(1, &a, &b, &c, &d);
    return (c & need) != 0;
}

static void run_case(gconstpointer data)
{
    const DiffCase *c = data;
    unsigned iters = g_test_slow() ? 20000 : 1500;

    if (!host_has(c->need_ecx)) {
        g_test_skip("host CPU lacks the instruction");
        return;
    }
    for (int sz = 0; sz < 4; sz++) {
        uint8_t insn[64];
        unsigned bytes = 1u << sz;
        int len;
        NativeFn fn;

        if (!c->enc[sz]) {
            continue;
        }
        /* Room for the bytes and the HLT after them. */
        g_assert_cmpuint(strlen(c->enc[sz]) / 2, <, sizeof(insn));
        len = hexbytes(c->enc[sz], insn);
        fn = native_build(insn, len);
        insn[len] = 0xf4;   /* HLT ends the emulated run */
        test_machine_load(tm, CODE_ADDR, insn, len + 1, &error_abort);
        for (unsigned it = 0; it < iters; it++) {
            State in = { 0 }, nat, emu;
            uint32_t mask;
            for (int k = 0; k < 6; k++) {
                in.r[k] = pick();
            }
            for (unsigned k = 0; k < sizeof(in.mem); k++) {
                in.mem[k] = g_test_rand_int();
            }
            in.flags_in = (g_test_rand_int() & F_ALL) | 0x202;
            if (!constrain(c, bytes, &in)) {
                continue;
            }
            nat = in;
            emu = in;
            if (c->kind == K_STR) {
                nat.r[4] = (uint64_t)(uintptr_t)nat.mem + in.r[4];
                nat.r[5] = (uint64_t)(uintptr_t)nat.mem + in.r[5];
                emu.r[4] = MEM_ADDR + in.r[4];
                emu.r[5] = MEM_ADDR + in.r[5];
            } else {
                nat.r[4] = (uint64_t)(uintptr_t)(nat.mem + 8);
                emu.r[4] = MEM_ADDR + 8;
            }
            fn(&nat);
            emu_run(&emu);
            nat.r[4] -= (uint64_t)(uintptr_t)nat.mem;
            emu.r[4] -= MEM_ADDR;
            if (c->kind == K_STR) {
                nat.r[5] -= (uint64_t)(uintptr_t)nat.mem;
                emu.r[5] -= MEM_ADDR;
            }
            mask = defined_flags(c, bytes, &in);
            if (c->kind == K_BSF && (in.r[1] & (bytes == 8 ? ~0ull :
                                   (1ull << (bytes * 8)) - 1)) == 0) {
                emu.r[0] = nat.r[0];    /* destination undefined */
            }
            if (memcmp(nat.r, emu.r, sizeof(nat.r)) ||
                ((nat.flags_out ^ emu.flags_out) & mask) ||
                memcmp(nat.mem, emu.mem, sizeof(nat.mem))) {
                g_test_message("%s size %u: in rax=%" G_GINT64_MODIFIER
                               "x rbx=%" G_GINT64_MODIFIER "x rcx=%"
                               G_GINT64_MODIFIER "x rdx=%" G_GINT64_MODIFIER
                               "x fl=%03x", c->name, bytes * 8, in.r[0],
                               in.r[1], in.r[2], in.r[3],
                               (unsigned)in.flags_in);
                for (int k = 0; k < 6; k++) {
                    g_test_message("  r%d native %" G_GINT64_MODIFIER
                                   "x emu %" G_GINT64_MODIFIER "x", k,
                                   nat.r[k], emu.r[k]);
                }
                g_test_message("  flags native %03x emu %03x mask %03x",
                               (unsigned)nat.flags_out & F_ALL,
                               (unsigned)emu.flags_out & F_ALL, mask);
                g_test_message("  mem %s", memcmp(nat.mem, emu.mem, sizeof(nat.mem)) ?
                               "differs" : "same");
                g_test_fail();
                return;
            }
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    native_buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert_true(native_buf != MAP_FAILED);
    tm = test_machine_new(4, &error_abort);
    enter_long_mode(tm);
    for (unsigned k = 0; k < G_N_ELEMENTS(cases); k++) {
        g_autofree char *path = g_strdup_printf("/cpu/diff/%s",
                                                cases[k].name);
        g_test_add_data_func(path, &cases[k], run_case);
    }
    return g_test_run();
}
