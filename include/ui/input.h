/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keyboard and mouse input from the front ends to the guest's input device.
 *
 * Keys are named by Linux input event codes (KEY_A, KEY_LEFTCTRL, ... from
 * <linux/input-event-codes.h>): a stable, documented numbering of physical
 * keys that is independent of the host keymap.  The guest device (PS/2
 * keyboard) turns them into scancodes of whatever set the guest selected;
 * that translation is the device's business.  The mouse is relative motion
 * plus a button mask and a wheel step, which is what a PS/2 mouse reports.
 *
 * One keyboard handler and one mouse handler receive events; without one,
 * events are dropped.  This layer tracks which keys are held, so modifiers
 * can be queried and every held key can be released when the window loses
 * focus or the grab ends (the guest would otherwise see a stuck key).
 * All functions run on the main thread.
 */
#ifndef UI_INPUT_H
#define UI_INPUT_H

#include <stdbool.h>
#include <stdint.h>

/* Modifier bits returned by input_modifiers(). */
enum {
    INPUT_MOD_SHIFT = 1 << 0,
    INPUT_MOD_CTRL  = 1 << 1,
    INPUT_MOD_ALT   = 1 << 2,
    INPUT_MOD_META  = 1 << 3,
};

/* Mouse buttons in the mask passed to handlers. */
enum {
    INPUT_BUTTON_LEFT   = 1 << 0,
    INPUT_BUTTON_RIGHT  = 1 << 1,
    INPUT_BUTTON_MIDDLE = 1 << 2,
};

/* Highest key code tracked (KEY_MAX in input-event-codes.h is 0x2ff). */
#define INPUT_KEY_MAX 0x2ff

/**
 * struct InputKbdHandler - the guest keyboard.
 * @name: device name for messages.
 * @key: @code (a KEY_* code) went down or up.  Auto-repeat arrives as
 *       repeated downs, as from a real keyboard.
 */
typedef struct InputKbdHandler {
    const char *name;
    void (*key)(void *opaque, unsigned code, bool down);
} InputKbdHandler;

/**
 * struct InputMouseHandler - the guest mouse.
 * @name: device name for messages.
 * @event: relative motion @dx (right positive), @dy (down positive), wheel
 *         @dz (towards the user positive) and the buttons now held.
 */
typedef struct InputMouseHandler {
    const char *name;
    void (*event)(void *opaque, int dx, int dy, int dz, unsigned buttons);
} InputMouseHandler;

/**
 * input_register_kbd() - route keys to @h (replacing any previous one).
 * @h must stay valid until input_unregister_kbd(@h).
 */
void input_register_kbd(const InputKbdHandler *h, void *opaque);
void input_unregister_kbd(const InputKbdHandler *h);
void input_register_mouse(const InputMouseHandler *h, void *opaque);
void input_unregister_mouse(const InputMouseHandler *h);

/**
 * input_key() - a key went down or up.  Codes above INPUT_KEY_MAX and zero
 * are ignored.  Returns true when a handler received the event.
 */
bool input_key(unsigned code, bool down);

/** input_key_is_down() - whether @code is held (as last reported). */
bool input_key_is_down(unsigned code);

/** input_modifiers() - INPUT_MOD_* bits of the held modifier keys. */
unsigned input_modifiers(void);

/**
 * input_release_all() - send "up" for every held key and clear the mouse
 * buttons; used on focus loss and grab release.
 */
void input_release_all(void);

/** input_mouse() - relative motion, wheel and the buttons now held. */
bool input_mouse(int dx, int dy, int dz, unsigned buttons);

/**
 * input_key_from_qcode() - the KEY_* code for a QMP QKeyCode name ("a",
 * "ctrl", "alt_r", "ret", "f12", "kp_enter", ...) or 0 if unknown; for
 * QMP's send-key and input-send-event.
 */
unsigned input_key_from_qcode(const char *name);

#endif /* UI_INPUT_H */
