/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Input routing and held-key tracking; see include/ui/input.h.
 * The QKeyCode names are those of QEMU's QMP schema (qapi/ui.json), mapped
 * to Linux input event codes.
 */
#include "ui/input.h"

#include <string.h>
#include <linux/input-event-codes.h>

#include <glib.h>

static const InputKbdHandler *kbd_handler;
static void *kbd_opaque;
static const InputMouseHandler *mouse_handler;
static void *mouse_opaque;
static uint8_t keys_down[INPUT_KEY_MAX + 1];
static unsigned buttons_down;

static const struct {
    unsigned code;
    unsigned mod;
} input_mod_keys[] = {
    { KEY_LEFTSHIFT, INPUT_MOD_SHIFT }, { KEY_RIGHTSHIFT, INPUT_MOD_SHIFT },
    { KEY_LEFTCTRL, INPUT_MOD_CTRL },   { KEY_RIGHTCTRL, INPUT_MOD_CTRL },
    { KEY_LEFTALT, INPUT_MOD_ALT },     { KEY_RIGHTALT, INPUT_MOD_ALT },
    { KEY_LEFTMETA, INPUT_MOD_META },   { KEY_RIGHTMETA, INPUT_MOD_META },
};

static const struct {
    const char *name;
    unsigned code;
} input_qcodes[] = {
    { "shift", KEY_LEFTSHIFT }, { "shift_r", KEY_RIGHTSHIFT },
    { "alt", KEY_LEFTALT }, { "alt_r", KEY_RIGHTALT },
    { "ctrl", KEY_LEFTCTRL }, { "ctrl_r", KEY_RIGHTCTRL },
    { "meta_l", KEY_LEFTMETA }, { "meta_r", KEY_RIGHTMETA },
    { "menu", KEY_COMPOSE }, { "esc", KEY_ESC },
    { "1", KEY_1 }, { "2", KEY_2 }, { "3", KEY_3 }, { "4", KEY_4 },
    { "5", KEY_5 }, { "6", KEY_6 }, { "7", KEY_7 }, { "8", KEY_8 },
    { "9", KEY_9 }, { "0", KEY_0 }, { "minus", KEY_MINUS },
    { "equal", KEY_EQUAL }, { "backspace", KEY_BACKSPACE }, { "tab", KEY_TAB },
    { "q", KEY_Q }, { "w", KEY_W }, { "e", KEY_E }, { "r", KEY_R },
    { "t", KEY_T }, { "y", KEY_Y }, { "u", KEY_U }, { "i", KEY_I },
    { "o", KEY_O }, { "p", KEY_P }, { "bracket_left", KEY_LEFTBRACE },
    { "bracket_right", KEY_RIGHTBRACE }, { "ret", KEY_ENTER },
    { "a", KEY_A }, { "s", KEY_S }, { "d", KEY_D }, { "f", KEY_F },
    { "g", KEY_G }, { "h", KEY_H }, { "j", KEY_J }, { "k", KEY_K },
    { "l", KEY_L }, { "semicolon", KEY_SEMICOLON },
    { "apostrophe", KEY_APOSTROPHE }, { "grave_accent", KEY_GRAVE },
    { "backslash", KEY_BACKSLASH }, { "z", KEY_Z }, { "x", KEY_X },
    { "c", KEY_C }, { "v", KEY_V }, { "b", KEY_B }, { "n", KEY_N },
    { "m", KEY_M }, { "comma", KEY_COMMA }, { "dot", KEY_DOT },
    { "slash", KEY_SLASH }, { "asterisk", KEY_KPASTERISK },
    { "spc", KEY_SPACE }, { "caps_lock", KEY_CAPSLOCK },
    { "f1", KEY_F1 }, { "f2", KEY_F2 }, { "f3", KEY_F3 }, { "f4", KEY_F4 },
    { "f5", KEY_F5 }, { "f6", KEY_F6 }, { "f7", KEY_F7 }, { "f8", KEY_F8 },
    { "f9", KEY_F9 }, { "f10", KEY_F10 }, { "f11", KEY_F11 },
    { "f12", KEY_F12 }, { "num_lock", KEY_NUMLOCK },
    { "scroll_lock", KEY_SCROLLLOCK }, { "kp_divide", KEY_KPSLASH },
    { "kp_multiply", KEY_KPASTERISK }, { "kp_subtract", KEY_KPMINUS },
    { "kp_add", KEY_KPPLUS }, { "kp_enter", KEY_KPENTER },
    { "kp_decimal", KEY_KPDOT }, { "sysrq", KEY_SYSRQ },
    { "kp_0", KEY_KP0 }, { "kp_1", KEY_KP1 }, { "kp_2", KEY_KP2 },
    { "kp_3", KEY_KP3 }, { "kp_4", KEY_KP4 }, { "kp_5", KEY_KP5 },
    { "kp_6", KEY_KP6 }, { "kp_7", KEY_KP7 }, { "kp_8", KEY_KP8 },
    { "kp_9", KEY_KP9 }, { "less", KEY_102ND }, { "home", KEY_HOME },
    { "pgup", KEY_PAGEUP }, { "pgdn", KEY_PAGEDOWN }, { "end", KEY_END },
    { "left", KEY_LEFT }, { "up", KEY_UP }, { "down", KEY_DOWN },
    { "right", KEY_RIGHT }, { "insert", KEY_INSERT },
    { "delete", KEY_DELETE }, { "pause", KEY_PAUSE },
    { "print", KEY_PRINT },
};

void input_register_kbd(const InputKbdHandler *h, void *opaque)
{
    kbd_handler = h;
    kbd_opaque = opaque;
}

void input_unregister_kbd(const InputKbdHandler *h)
{
    if (kbd_handler == h) {
        kbd_handler = NULL;
        kbd_opaque = NULL;
    }
}

void input_register_mouse(const InputMouseHandler *h, void *opaque)
{
    mouse_handler = h;
    mouse_opaque = opaque;
}

void input_unregister_mouse(const InputMouseHandler *h)
{
    if (mouse_handler == h) {
        mouse_handler = NULL;
        mouse_opaque = NULL;
    }
}

bool input_key(unsigned code, bool down)
{
    if (code == 0 || code > INPUT_KEY_MAX) {
        return false;
    }
    keys_down[code] = down;
    if (!kbd_handler) {
        return false;
    }
    kbd_handler->key(kbd_opaque, code, down);
    return true;
}

bool input_key_is_down(unsigned code)
{
    return code <= INPUT_KEY_MAX && keys_down[code];
}

unsigned input_modifiers(void)
{
    unsigned mods = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(input_mod_keys); i++) {
        if (keys_down[input_mod_keys[i].code]) {
            mods |= input_mod_keys[i].mod;
        }
    }
    return mods;
}

void input_release_all(void)
{
    for (unsigned code = 1; code <= INPUT_KEY_MAX; code++) {
        if (keys_down[code]) {
            input_key(code, false);
        }
    }
    if (buttons_down) {
        input_mouse(0, 0, 0, 0);
    }
}

bool input_mouse(int dx, int dy, int dz, unsigned buttons)
{
    buttons_down = buttons;
    if (!mouse_handler) {
        return false;
    }
    mouse_handler->event(mouse_opaque, dx, dy, dz, buttons);
    return true;
}

unsigned input_key_from_qcode(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(input_qcodes); i++) {
        if (!strcmp(input_qcodes[i].name, name)) {
            return input_qcodes[i].code;
        }
    }
    return 0;
}
