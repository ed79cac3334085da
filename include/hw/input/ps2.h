/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PS/2 keyboard and mouse, as seen from the i8042 controller: each
 * device takes command bytes from the host and queues response and data
 * bytes, which the controller drains one at a time.
 */
#ifndef HW_INPUT_PS2_H
#define HW_INPUT_PS2_H

#include <stdbool.h>
#include <stdint.h>

#define PS2_QUEUE_SIZE 256

/** struct PS2Queue - bytes waiting for the controller's output buffer. */
typedef struct PS2Queue {
    uint8_t data[PS2_QUEUE_SIZE];
    unsigned rptr;
    unsigned count;
} PS2Queue;

/**
 * struct PS2Kbd - a PS/2 (MF2) keyboard.
 * @scan_set: 1, 2 or 3 (3 is answered but generated as 2).
 * @pending_cmd: a command waiting for its argument byte, or 0.
 * @enabled: scanning enabled (F4) or disabled (F5).
 * @leds: last LED byte (ED).
 */
typedef struct PS2Kbd {
    PS2Queue q;
    uint8_t scan_set;
    uint8_t pending_cmd;
    bool enabled;
    uint8_t leds;
} PS2Kbd;

/**
 * struct PS2Mouse - a PS/2 mouse, with the IntelliMouse wheel extension
 * (enabled by the sample-rate sequence 200, 100, 80; ID 3).
 */
typedef struct PS2Mouse {
    PS2Queue q;
    uint8_t pending_cmd;
    bool reporting;
    bool remote;
    bool scaling21;
    uint8_t resolution;
    uint8_t sample_rate;
    uint8_t id;
    uint8_t rate_seq[3];
    int dx, dy, dz;
    uint8_t buttons;
} PS2Mouse;

bool ps2_queue_pop(PS2Queue *q, uint8_t *b);

void ps2_kbd_reset(PS2Kbd *k);
/** ps2_kbd_write() - a byte from the host (command or argument). */
void ps2_kbd_write(PS2Kbd *k, uint8_t val);
/** ps2_kbd_key() - a key event (Linux KEY_* code) to scancodes. */
void ps2_kbd_key(PS2Kbd *k, unsigned code, bool down);

void ps2_mouse_reset(PS2Mouse *m);
void ps2_mouse_write(PS2Mouse *m, uint8_t val);
/** ps2_mouse_event() - motion and buttons; queued as packets if enabled. */
void ps2_mouse_event(PS2Mouse *m, int dx, int dy, int dz, unsigned buttons);

/** ps2_translate_set2() - the i8042's set 2 to set 1 translation of one
 *  byte; *@break_pending carries an F0 prefix across calls.  Returns -1
 *  when the byte produces no output (the F0 itself). */
int ps2_translate_set2(uint8_t b, bool *break_pending);

#endif /* HW_INPUT_PS2_H */
