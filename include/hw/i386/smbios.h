/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMBIOS 2.8 tables offered to firmware through fw_cfg (hw/i386/smbios.c).
 */
#ifndef HW_I386_SMBIOS_H
#define HW_I386_SMBIOS_H

/** Length of the SMBIOS 2.1+ 32-bit entry point ("_SM_"). */
#define SMBIOS_ANCHOR_LEN 31

typedef struct PCMachineState PCMachineState;

/**
 * smbios_fw_cfg_install() - add etc/smbios/smbios-anchor and
 * etc/smbios/smbios-tables to the machine's fw_cfg.
 */
void smbios_fw_cfg_install(PCMachineState *pcms);

#endif /* HW_I386_SMBIOS_H */
