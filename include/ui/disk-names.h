/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Friendly disk names for notifications.  Storage events name a backend
 * ("disk0") or a node ("#block163", "disk0-file"); a person knows the
 * drive id and the image file, so notifications say "disk0 (vm1.qcow2)".
 * Install with notif_model_set_disk_namer(display_notifications(),
 * ui_disk_name, NULL) once the drives exist (main loop thread: it walks
 * the block graph).
 */
#ifndef UI_DISK_NAMES_H
#define UI_DISK_NAMES_H

/**
 * ui_disk_name() - "<drive> (<image file name>)" for the backend or node
 * @name: a node of a drive resolves to the drive above it (a protocol
 * node to the format node using it as "file", up to the backend).
 * Returns a new string, or NULL when @name is neither a backend nor a
 * node (the caller then shows @name itself).  Without a backend above,
 * the drive part is the top node's name (what -device drive= names).
 */
char *ui_disk_name(const char *name, void *opaque);

#endif /* UI_DISK_NAMES_H */
