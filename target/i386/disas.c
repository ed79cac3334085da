/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Disassembly for -d in_asm through capstone.  Kept apart from the CPU
 * headers because capstone's x86 register names share the X86_REG_ prefix
 * of include/exec/cpu-iface.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <capstone/capstone.h>

#include "target/i386/disas.h"

void x86_disas(FILE *out, const uint8_t *buf, size_t len, uint64_t addr,
               unsigned code_size)
{
    cs_mode mode = code_size == 8 ? CS_MODE_64 :
                   code_size == 4 ? CS_MODE_32 : CS_MODE_16;
    cs_insn *insn;
    csh h;
    size_t n;

    if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK) {
        return;
    }
    n = cs_disasm(h, buf, len, addr, 0, &insn);
    for (size_t k = 0; k < n; k++) {
        fprintf(out, "0x%08llx:  %s %s\n",
                (unsigned long long)insn[k].address, insn[k].mnemonic,
                insn[k].op_str);
    }
    cs_free(insn, n);
    cs_close(&h);
}
