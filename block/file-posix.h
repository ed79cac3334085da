/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the "file" protocol driver (block/file-posix.c) tells the rest of
 * block/ and its tests about its io_uring path (aio=io_uring|native).
 */
#ifndef BLOCK_FILE_POSIX_H
#define BLOCK_FILE_POSIX_H

#include <stdbool.h>
#include <stdint.h>

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

#endif /* BLOCK_FILE_POSIX_H */
