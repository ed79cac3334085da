/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86 disassembly for the -d in_asm trace (disas.c, capstone).
 */
#ifndef TARGET_I386_DISAS_H
#define TARGET_I386_DISAS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/**
 * x86_disas() - print the instructions in @buf (@len bytes, decoded for
 * @code_size 2, 4 or 8 and addressed from @addr) to @out, one per line.
 */
void x86_disas(FILE *out, const uint8_t *buf, size_t len, uint64_t addr,
               unsigned code_size);

#endif /* TARGET_I386_DISAS_H */
