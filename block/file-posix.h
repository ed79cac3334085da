/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the "file" protocol driver (block/file-posix.c) tells the rest of
 * block/ and its tests about its io_uring path (aio=io_uring|native), its
 * buffered-write gate, and the grow-ahead a format driver may ask of its
 * image file.
 */
#ifndef BLOCK_FILE_POSIX_H
#define BLOCK_FILE_POSIX_H

#include <stdbool.h>
#include <stdint.h>

#include "block/block-int.h"

/**
 * file_posix_uring_available() - whether the calling thread can use an
 * io_uring ring: liburing was built in and the kernel gave a ring (it may
 * refuse, e.g. under seccomp or with io_uring disabled).  Creates the
 * thread's ring on first call.
 */
bool file_posix_uring_available(void);

/**
 * file_posix_uring_requests() - host transfers done through io_uring since
 * start, over all threads (each short transfer counts once).
 */
uint64_t file_posix_uring_requests(void);

/**
 * file_posix_gate_peak() - the most buffered writes of one regular file
 * that were in the kernel at once since start, over all files (the gate
 * lets FILE_GATE_WRITERS in: see block/file-posix.c).
 */
int file_posix_gate_peak(void);

/**
 * file_posix_grow_ahead() - let O_DIRECT writes past the end of @bs find
 * the file already @step bytes longer (a sparse hole), so that the file
 * system need not extend it write by write; the node still reports the
 * end of what was written as its length, and close() cuts the file back
 * to it.  Only for a "file" node opened with O_DIRECT (else a no-op), and
 * only for formats to whom a zero tail left by a crash is harmless.
 */
void file_posix_grow_ahead(BlockDriverState *bs, uint64_t step);

#endif /* BLOCK_FILE_POSIX_H */
