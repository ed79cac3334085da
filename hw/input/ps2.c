/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PS/2 keyboard and mouse protocol (IBM PS/2 Hardware Interface Technical
 * Reference, "Keyboard and Auxiliary Device Controller"; the commonly
 * documented MF2 keyboard command set ED-FF and the mouse command set
 * E6-FF with the IntelliMouse extension).
 *
 * Keys arrive as Linux input codes (include/ui/input.h).  For codes 1-88
 * Linux numbers keys by their scancode set 1 make codes, so set 1 needs no
 * table; set 2 comes from the table below, indexed by set 1 code, and the
 * E0-prefixed keys have their own small table.  Set 3 is acknowledged but
 * generated as set 2 (no guest of ours selects it).
 */
#include "hw/input/ps2.h"

#include <string.h>

#include "util/log.h"

#define PS2_ACK       0xfa
#define PS2_RESEND    0xfe
#define PS2_BAT_OK    0xaa

/* Set 2 make code for each set 1 code 0x00-0x58 (0 = none). */
static const uint8_t set1_to_set2[0x59] = {
    [0x01] = 0x76, [0x02] = 0x16, [0x03] = 0x1e, [0x04] = 0x26,
    [0x05] = 0x25, [0x06] = 0x2e, [0x07] = 0x36, [0x08] = 0x3d,
    [0x09] = 0x3e, [0x0a] = 0x46, [0x0b] = 0x45, [0x0c] = 0x4e,
    [0x0d] = 0x55, [0x0e] = 0x66, [0x0f] = 0x0d, [0x10] = 0x15,
    [0x11] = 0x1d, [0x12] = 0x24, [0x13] = 0x2d, [0x14] = 0x2c,
    [0x15] = 0x35, [0x16] = 0x3c, [0x17] = 0x43, [0x18] = 0x44,
    [0x19] = 0x4d, [0x1a] = 0x54, [0x1b] = 0x5b, [0x1c] = 0x5a,
    [0x1d] = 0x14, [0x1e] = 0x1c, [0x1f] = 0x1b, [0x20] = 0x23,
    [0x21] = 0x2b, [0x22] = 0x34, [0x23] = 0x33, [0x24] = 0x3b,
    [0x25] = 0x42, [0x26] = 0x4b, [0x27] = 0x4c, [0x28] = 0x52,
    [0x29] = 0x0e, [0x2a] = 0x12, [0x2b] = 0x5d, [0x2c] = 0x1a,
    [0x2d] = 0x22, [0x2e] = 0x21, [0x2f] = 0x2a, [0x30] = 0x32,
    [0x31] = 0x31, [0x32] = 0x3a, [0x33] = 0x41, [0x34] = 0x49,
    [0x35] = 0x4a, [0x36] = 0x59, [0x37] = 0x7c, [0x38] = 0x11,
    [0x39] = 0x29, [0x3a] = 0x58, [0x3b] = 0x05, [0x3c] = 0x06,
    [0x3d] = 0x04, [0x3e] = 0x0c, [0x3f] = 0x03, [0x40] = 0x0b,
    [0x41] = 0x83, [0x42] = 0x0a, [0x43] = 0x01, [0x44] = 0x09,
    [0x45] = 0x77, [0x46] = 0x7e, [0x47] = 0x6c, [0x48] = 0x75,
    [0x49] = 0x7d, [0x4a] = 0x7b, [0x4b] = 0x6b, [0x4c] = 0x73,
    [0x4d] = 0x74, [0x4e] = 0x79, [0x4f] = 0x69, [0x50] = 0x72,
    [0x51] = 0x7a, [0x52] = 0x70, [0x53] = 0x71, [0x56] = 0x61,
    [0x57] = 0x78, [0x58] = 0x07,
};

/* E0-prefixed keys: Linux code, set 1 code, set 2 code. */
static const struct {
    uint16_t code;
    uint8_t set1;
    uint8_t set2;
} extended_keys[] = {
    { 96, 0x1c, 0x5a },     /* KEY_KPENTER */
    { 97, 0x1d, 0x14 },     /* KEY_RIGHTCTRL */
    { 98, 0x35, 0x4a },     /* KEY_KPSLASH */
    { 99, 0x37, 0x7c },     /* KEY_SYSRQ (print screen, simplified) */
    { 100, 0x38, 0x11 },    /* KEY_RIGHTALT */
    { 102, 0x47, 0x6c },    /* KEY_HOME */
    { 103, 0x48, 0x75 },    /* KEY_UP */
    { 104, 0x49, 0x7d },    /* KEY_PAGEUP */
    { 105, 0x4b, 0x6b },    /* KEY_LEFT */
    { 106, 0x4d, 0x74 },    /* KEY_RIGHT */
    { 107, 0x4f, 0x69 },    /* KEY_END */
    { 108, 0x50, 0x72 },    /* KEY_DOWN */
    { 109, 0x51, 0x7a },    /* KEY_PAGEDOWN */
    { 110, 0x52, 0x70 },    /* KEY_INSERT */
    { 111, 0x53, 0x71 },    /* KEY_DELETE */
    { 125, 0x5b, 0x1f },    /* KEY_LEFTMETA */
    { 126, 0x5c, 0x27 },    /* KEY_RIGHTMETA */
    { 127, 0x5d, 0x2f },    /* KEY_COMPOSE */
};

static void ps2_queue_push(PS2Queue *q, uint8_t b)
{
    if (q->count == PS2_QUEUE_SIZE) {
        /* A real device stops sending; the oldest input is kept. */
        return;
    }
    q->data[(q->rptr + q->count) % PS2_QUEUE_SIZE] = b;
    q->count++;
}

bool ps2_queue_pop(PS2Queue *q, uint8_t *b)
{
    if (!q->count) {
        return false;
    }
    *b = q->data[q->rptr];
    q->rptr = (q->rptr + 1) % PS2_QUEUE_SIZE;
    q->count--;
    return true;
}

static void ps2_queue_clear(PS2Queue *q)
{
    q->rptr = 0;
    q->count = 0;
}

int ps2_translate_set2(uint8_t b, bool *break_pending)
{
    static uint8_t set2_to_set1[256];
    static bool built;
    int out;

    if (!built) {
        /* Invert the table once; it is const data, not registration. */
        for (unsigned i = 1; i < sizeof(set1_to_set2); i++) {
            if (set1_to_set2[i]) {
                set2_to_set1[set1_to_set2[i]] = i;
            }
        }
        built = true;
    }
    if (b == 0xf0) {
        *break_pending = true;
        return -1;
    }
    /* Prefixes and responses pass through untranslated. */
    out = (b == 0xe0 || b == 0xe1 || b >= 0xfa || b == 0x00 ||
           !set2_to_set1[b]) ? b : set2_to_set1[b];
    if (*break_pending) {
        out |= 0x80;
        *break_pending = false;
    }
    return out;
}

void ps2_kbd_reset(PS2Kbd *k)
{
    ps2_queue_clear(&k->q);
    k->scan_set = 2;
    k->pending_cmd = 0;
    k->enabled = true;
    k->leds = 0;
}

static void ps2_kbd_command(PS2Kbd *k, uint8_t val)
{
    switch (val) {
    case 0xed: /* set LEDs */
    case 0xf0: /* get/set scancode set */
    case 0xf3: /* typematic rate */
        k->pending_cmd = val;
        ps2_queue_push(&k->q, PS2_ACK);
        break;
    case 0xee: /* echo */
        ps2_queue_push(&k->q, 0xee);
        break;
    case 0xf2: /* identify: MF2 keyboard */
        ps2_queue_push(&k->q, PS2_ACK);
        ps2_queue_push(&k->q, 0xab);
        ps2_queue_push(&k->q, 0x83);
        break;
    case 0xf4:
        k->enabled = true;
        ps2_queue_push(&k->q, PS2_ACK);
        break;
    case 0xf5: /* disable and restore defaults */
    case 0xf6: /* restore defaults */
        ps2_queue_clear(&k->q);
        k->scan_set = 2;
        k->enabled = val == 0xf6;
        ps2_queue_push(&k->q, PS2_ACK);
        break;
    case 0xff: /* reset and self-test */
        ps2_kbd_reset(k);
        ps2_queue_push(&k->q, PS2_ACK);
        ps2_queue_push(&k->q, PS2_BAT_OK);
        break;
    default:
        ps2_queue_push(&k->q, PS2_RESEND);
        break;
    }
}

void ps2_kbd_write(PS2Kbd *k, uint8_t val)
{
    uint8_t cmd = k->pending_cmd;

    if (!cmd) {
        ps2_kbd_command(k, val);
        return;
    }
    k->pending_cmd = 0;
    switch (cmd) {
    case 0xed:
        k->leds = val & 7;
        ps2_queue_push(&k->q, PS2_ACK);
        break;
    case 0xf0:
        ps2_queue_push(&k->q, PS2_ACK);
        if (val == 0) {
            ps2_queue_push(&k->q, k->scan_set);
        } else if (val <= 3) {
            k->scan_set = val;
        }
        break;
    default: /* 0xf3: the typematic byte is accepted and ignored */
        ps2_queue_push(&k->q, PS2_ACK);
        break;
    }
}

void ps2_kbd_key(PS2Kbd *k, unsigned code, bool down)
{
    bool set1 = k->scan_set == 1;

    if (!k->enabled) {
        return;
    }
    if (code == 119) {
        /* KEY_PAUSE: make only, a fixed sequence in each set. */
        static const uint8_t s1[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
        static const uint8_t s2[] = { 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14,
                                      0xf0, 0x77 };
        if (down) {
            const uint8_t *seq = set1 ? s1 : s2;
            unsigned n = set1 ? sizeof(s1) : sizeof(s2);
            for (unsigned i = 0; i < n; i++) {
                ps2_queue_push(&k->q, seq[i]);
            }
        }
        return;
    }
    if (code < sizeof(set1_to_set2) && set1_to_set2[code]) {
        if (set1) {
            ps2_queue_push(&k->q, down ? code : code | 0x80);
        } else {
            if (!down) {
                ps2_queue_push(&k->q, 0xf0);
            }
            ps2_queue_push(&k->q, set1_to_set2[code]);
        }
        return;
    }
    for (unsigned i = 0; i < sizeof(extended_keys) / sizeof(extended_keys[0]);
         i++) {
        if (extended_keys[i].code != code) {
            continue;
        }
        ps2_queue_push(&k->q, 0xe0);
        if (set1) {
            ps2_queue_push(&k->q, extended_keys[i].set1 | (down ? 0 : 0x80));
        } else {
            if (!down) {
                ps2_queue_push(&k->q, 0xf0);
            }
            ps2_queue_push(&k->q, extended_keys[i].set2);
        }
        return;
    }
    log_unimp("ps2: no scancode for key code %u", code);
}

void ps2_mouse_reset(PS2Mouse *m)
{
    ps2_queue_clear(&m->q);
    m->pending_cmd = 0;
    m->reporting = false;
    m->remote = false;
    m->scaling21 = false;
    m->resolution = 2;
    m->sample_rate = 100;
    m->id = 0;
    memset(m->rate_seq, 0, sizeof(m->rate_seq));
    m->dx = m->dy = m->dz = 0;
    m->buttons = 0;
}

static int clamp9(int v)
{
    return v > 255 ? 255 : v < -256 ? -256 : v;
}

/* Queue one movement packet from the accumulated motion. */
static void ps2_mouse_packet(PS2Mouse *m)
{
    int dx = clamp9(m->dx);
    int dy = clamp9(-m->dy);    /* PS/2 y grows upwards */
    uint8_t b0 = 0x08 | (m->buttons & 7);

    if (dx < 0) {
        b0 |= 0x10;
    }
    if (dy < 0) {
        b0 |= 0x20;
    }
    ps2_queue_push(&m->q, b0);
    ps2_queue_push(&m->q, dx & 0xff);
    ps2_queue_push(&m->q, dy & 0xff);
    if (m->id == 3) {
        int dz = m->dz > 7 ? 7 : m->dz < -8 ? -8 : m->dz;
        ps2_queue_push(&m->q, dz & 0x0f);
    }
    m->dx -= (dx);
    m->dy += dy;
    m->dz = 0;
}

static void ps2_mouse_command(PS2Mouse *m, uint8_t val)
{
    ps2_queue_push(&m->q, PS2_ACK);
    switch (val) {
    case 0xe6: m->scaling21 = false; break;
    case 0xe7: m->scaling21 = true; break;
    case 0xe8: /* set resolution */
    case 0xf3: /* set sample rate */
        m->pending_cmd = val;
        break;
    case 0xe9: /* status request */
        ps2_queue_push(&m->q, (m->remote ? 0x40 : 0) |
                       (m->reporting ? 0x20 : 0) | (m->scaling21 ? 0x10 : 0) |
                       (m->buttons & 7));
        ps2_queue_push(&m->q, m->resolution);
        ps2_queue_push(&m->q, m->sample_rate);
        break;
    case 0xea: m->remote = false; break;
    case 0xf0: m->remote = true; break;
    case 0xeb: ps2_mouse_packet(m); break;
    case 0xf2: ps2_queue_push(&m->q, m->id); break;
    case 0xf4: m->reporting = true; break;
    case 0xf5: m->reporting = false; break;
    case 0xf6:
        m->reporting = false;
        m->resolution = 2;
        m->sample_rate = 100;
        m->scaling21 = false;
        break;
    case 0xff:
        /* Reset empties the queue, so the ACK is queued again after it. */
        ps2_mouse_reset(m);
        ps2_queue_push(&m->q, PS2_ACK);
        ps2_queue_push(&m->q, PS2_BAT_OK);
        ps2_queue_push(&m->q, 0x00);
        break;
    default:
        /* Wrap mode (EC/EE) and unknown bytes: acknowledged, ignored. */
        break;
    }
}

void ps2_mouse_write(PS2Mouse *m, uint8_t val)
{
    uint8_t cmd = m->pending_cmd;

    if (!cmd) {
        ps2_mouse_command(m, val);
        return;
    }
    m->pending_cmd = 0;
    ps2_queue_push(&m->q, PS2_ACK);
    if (cmd == 0xe8) {
        m->resolution = val & 3;
        return;
    }
    m->sample_rate = val;
    m->rate_seq[0] = m->rate_seq[1];
    m->rate_seq[1] = m->rate_seq[2];
    m->rate_seq[2] = val;
    if (m->rate_seq[0] == 200 && m->rate_seq[1] == 100 &&
        m->rate_seq[2] == 80) {
        m->id = 3;
    }
}

void ps2_mouse_event(PS2Mouse *m, int dx, int dy, int dz, unsigned buttons)
{
    m->dx += dx;
    m->dy += dy;
    m->dz += dz;
    m->buttons = buttons & 7;
    if (!m->reporting || m->remote) {
        return;
    }
    /* Leave room so a burst of motion cannot overflow the queue. */
    while (m->q.count < PS2_QUEUE_SIZE - 16) {
        ps2_mouse_packet(m);
        if (!m->dx && !m->dy) {
            break;
        }
    }
}
