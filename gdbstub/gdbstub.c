/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gdbstub: gdb's remote serial protocol on a chardev (GDB manual,
 * appendix E "Remote Serial Protocol": E.1 overview and framing, E.2
 * packets, E.3 stop replies, E.4 general query packets, E.6 "Breakpoints"
 * (Z/z), E.13 "Interrupts" (Ctrl-C)), in all-stop mode.
 *
 * Everything runs on the main loop with the machine lock held, as chardev
 * handlers and runstate hooks do.  Stopping the VM for the debugger is
 * vm_stop(RUN_STATE_DEBUG): every vCPU leaves guest code, so registers
 * and memory can be read and written; "c" and "s" resume it with
 * vm_start().  A vCPU that hits a breakpoint or finishes a single step
 * returns CPU_EXIT_DEBUG and system/cpus.c stops the VM; the runstate hook
 * below then sends the stop reply gdb is waiting for.
 *
 * Threads are vCPUs: thread id = CPU index + 1.  Registers follow the
 * CPU's target description (qXfer:features:read:target.xml).  Breakpoints
 * (Z0 software, Z1 hardware: both by linear address, guest memory is not
 * patched) and watchpoints (Z2 write, Z3 read, Z4 access: pages holding
 * one take the CPU's slow memory path) are set on every vCPU.  Not
 * supported: the binary X packet (gdb uses M), non-stop mode, no-ack
 * mode.
 */
#include <glib.h>
#include <string.h>

#include "exec/cpu-iface.h"
#include "gdbstub/gdbstub.h"
#include "hw/core/lock.h"
#include "hw/core/machine.h"
#include "system/runstate.h"
#include "util/chardev.h"

#define GDB_PACKET_MAX 4096
#define GDB_PACKET_SIZE_STR "4000"      /* hex, for qSupported */

typedef enum GdbRx { RX_IDLE, RX_DATA, RX_CSUM1, RX_CSUM2 } GdbRx;

typedef struct GdbState {
    /* host plumbing */
    Chardev *chr;
    Machine *m;
    /* receiver */
    GdbRx rx;
    GString *pkt;
    uint8_t sum;
    char csum[2];
    bool overflow;
    /* protocol state */
    int g_cpu;                  /* Hg: registers and memory (index) */
    int c_cpu;                  /* Hc / vCont thread to step */
    bool waiting;               /* resumed: a stop reply is owed */
    GString *reply;
} GdbState;

static GdbState *gdb;

/* --- Framing ----------------------------------------------------------- */

static void gdb_send_packet(GdbState *s, const char *data, size_t len)
{
    g_autoptr(GString) out = g_string_sized_new(len + 4);
    uint8_t sum = 0;

    g_string_append_c(out, '$');
    for (size_t k = 0; k < len; k++) {
        sum += (uint8_t)data[k];
    }
    g_string_append_len(out, data, len);
    g_string_append_printf(out, "#%02x", sum);
    chardev_write(s->chr, (const uint8_t *)out->str, out->len);
}

static void gdb_reply(GdbState *s, const char *str)
{
    gdb_send_packet(s, str, strlen(str));
}

static void hex_append(GString *g, const uint8_t *buf, size_t len)
{
    for (size_t k = 0; k < len; k++) {
        g_string_append_printf(g, "%02x", buf[k]);
    }
}

static int hex_nibble(char c)
{
    return g_ascii_xdigit_value(c);
}

/* Decode @n bytes of hex at @p into @buf; false on a bad digit. */
static bool hex_decode(const char *p, uint8_t *buf, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        int hi = hex_nibble(p[2 * k]), lo;
        if (hi < 0) {
            return false;
        }
        lo = hex_nibble(p[2 * k + 1]);
        if (lo < 0) {
            return false;
        }
        buf[k] = hi << 4 | lo;
    }
    return true;
}

/* A hex number at *@p, advancing it; false if there is none. */
static bool parse_hex(const char **p, uint64_t *val)
{
    const char *s = *p;
    uint64_t v = 0;

    if (hex_nibble(*s) < 0) {
        return false;
    }
    while (hex_nibble(*s) >= 0) {
        v = v << 4 | hex_nibble(*s++);
    }
    *val = v;
    *p = s;
    return true;
}

/* A thread id: hex, "-1" for all, "0" for any; returns a CPU index or
 * -1 (all/any); false for a malformed or unknown id. */
static bool parse_thread(GdbState *s, const char *p, int *cpu)
{
    uint64_t tid;

    if (!strcmp(p, "-1") || !strcmp(p, "0")) {
        *cpu = -1;
        return true;
    }
    if (!parse_hex(&p, &tid) || *p || tid == 0 || tid > s->m->ncpus) {
        return false;
    }
    *cpu = tid - 1;
    return true;
}

static X86CPU *gdb_cpu(GdbState *s, int idx)
{
    if (!s->m->ncpus) {
        return NULL;
    }
    return s->m->cpus[idx >= 0 && idx < (int)s->m->ncpus ? idx : 0];
}

/* --- Stop replies and resuming ----------------------------------------- */

/* "T05thread:N;" for the vCPU that stopped (or @sig for the rest). */
static void gdb_send_stop(GdbState *s, int sig)
{
    g_autoptr(GString) r = g_string_new(NULL);
    int idx = s->g_cpu < 0 ? 0 : s->g_cpu;
    const char *extra = "";

    g_autofree char *watch = NULL;

    for (unsigned k = 0; k < s->m->ncpus; k++) {
        X86CPU *cpu = s->m->cpus[k];
        X86DebugStop why = x86_cpu_debug_stop_reason(cpu);
        uint64_t addr;
        X86WatchKind kind;

        if (why == X86_DEBUG_STOP_NONE) {
            continue;
        }
        idx = k;
        sig = 5;
        if (why == X86_DEBUG_STOP_BREAKPOINT) {
            extra = "swbreak:;";
        } else if (why == X86_DEBUG_STOP_WATCH &&
                   x86_cpu_debug_watch_hit(cpu, &addr, &kind)) {
            watch = g_strdup_printf("%s:%" G_GINT64_MODIFIER "x;",
                                    kind == X86_WATCH_WRITE ? "watch" :
                                    kind == X86_WATCH_READ ? "rwatch"
                                                           : "awatch",
                                    addr);
            extra = watch;
        }
        break;
    }
    s->g_cpu = s->c_cpu = idx;
    g_string_printf(r, "T%02xthread:%x;%s", sig, idx + 1, extra);
    gdb_reply(s, r->str);
}

/* Resume the VM; @step_cpu (index) single-steps, or -1. */
static void gdb_resume(GdbState *s, int step_cpu)
{
    Error *err = NULL;

    for (unsigned k = 0; k < s->m->ncpus; k++) {
        x86_cpu_debug_resume(s->m->cpus[k], (int)k == step_cpu);
    }
    s->waiting = true;
    if (!vm_start(&err)) {
        s->waiting = false;
        error_free(err);
        gdb_reply(s, "E01");
    }
}

static void gdb_runstate_hook(RunStateNotice notice, RunState old_state,
                              RunState new_state, ShutdownCause cause,
                              void *opaque)
{
    GdbState *s = opaque;

    if (!chardev_is_connected(s->chr)) {
        return;
    }
    if (notice == RUNSTATE_NOTICE_SHUTDOWN && s->waiting) {
        s->waiting = false;
        gdb_reply(s, "W00");
    } else if (notice == RUNSTATE_NOTICE_STATE &&
               new_state != RUN_STATE_RUNNING && s->waiting) {
        s->waiting = false;
        gdb_send_stop(s, 2);
    }
}

/* --- Commands ---------------------------------------------------------- */

static void cmd_status(GdbState *s, const char *p)
{
    gdb_send_stop(s, 5);
}

static void cmd_read_regs(GdbState *s, const char *p)
{
    X86CPU *cpu = gdb_cpu(s, s->g_cpu);
    uint8_t buf[16];

    g_string_truncate(s->reply, 0);
    for (int n = 0; n < x86_cpu_gdb_num_regs(); n++) {
        hex_append(s->reply, buf, x86_cpu_gdb_read_reg(cpu, n, buf));
    }
    gdb_reply(s, s->reply->str);
}

static void cmd_write_regs(GdbState *s, const char *p)
{
    X86CPU *cpu = gdb_cpu(s, s->g_cpu);
    uint8_t buf[16];

    for (int n = 0; n < x86_cpu_gdb_num_regs() && *p; n++) {
        int size = x86_cpu_gdb_read_reg(cpu, n, buf);
        if (strlen(p) < (size_t)size * 2 || !hex_decode(p, buf, size)) {
            gdb_reply(s, "E01");
            return;
        }
        x86_cpu_gdb_write_reg(cpu, n, buf);
        p += size * 2;
    }
    gdb_reply(s, "OK");
}

static void cmd_read_reg(GdbState *s, const char *p)
{
    X86CPU *cpu = gdb_cpu(s, s->g_cpu);
    uint8_t buf[16];
    uint64_t n;
    int size;

    if (!parse_hex(&p, &n) || *p || n >= (uint64_t)x86_cpu_gdb_num_regs()) {
        gdb_reply(s, "E01");
        return;
    }
    size = x86_cpu_gdb_read_reg(cpu, n, buf);
    g_string_truncate(s->reply, 0);
    hex_append(s->reply, buf, size);
    gdb_reply(s, s->reply->str);
}

static void cmd_write_reg(GdbState *s, const char *p)
{
    X86CPU *cpu = gdb_cpu(s, s->g_cpu);
    uint8_t buf[16];
    uint64_t n;
    int size;

    if (!parse_hex(&p, &n) || *p++ != '=' ||
        n >= (uint64_t)x86_cpu_gdb_num_regs()) {
        gdb_reply(s, "E01");
        return;
    }
    size = x86_cpu_gdb_read_reg(cpu, n, buf);
    if (strlen(p) != (size_t)size * 2 || !hex_decode(p, buf, size) ||
        x86_cpu_gdb_write_reg(cpu, n, buf) <= 0) {
        gdb_reply(s, "E01");
        return;
    }
    gdb_reply(s, "OK");
}

/* The CPU's memory callbacks take the machine lock themselves; the vCPUs
 * are stopped, so dropping it here lets nothing else run. */
static bool gdb_mem_rw(GdbState *s, uint64_t addr, uint8_t *buf, size_t len,
                       bool is_write)
{
    bool ok;

    machine_unlock();
    ok = x86_cpu_debug_rw(gdb_cpu(s, s->g_cpu), addr, buf, len, is_write);
    machine_lock();
    return ok;
}

static void cmd_read_mem(GdbState *s, const char *p)
{
    uint64_t addr, len;
    g_autofree uint8_t *buf = NULL;

    if (!parse_hex(&p, &addr) || *p++ != ',' || !parse_hex(&p, &len) ||
        *p || len > GDB_PACKET_MAX / 2) {
        gdb_reply(s, "E01");
        return;
    }
    buf = g_malloc(len ? len : 1);
    if (!gdb_mem_rw(s, addr, buf, len, false)) {
        gdb_reply(s, "E14");
        return;
    }
    g_string_truncate(s->reply, 0);
    hex_append(s->reply, buf, len);
    gdb_reply(s, s->reply->str);
}

static void cmd_write_mem(GdbState *s, const char *p)
{
    uint64_t addr, len;
    g_autofree uint8_t *buf = NULL;

    if (!parse_hex(&p, &addr) || *p++ != ',' || !parse_hex(&p, &len) ||
        *p++ != ':' || strlen(p) != len * 2) {
        gdb_reply(s, "E01");
        return;
    }
    buf = g_malloc(len ? len : 1);
    if (!hex_decode(p, buf, len)) {
        gdb_reply(s, "E01");
        return;
    }
    gdb_reply(s, gdb_mem_rw(s, addr, buf, len, true) ? "OK" : "E14");
}

/* c [addr], s [addr]: an address resumes there. */
static bool set_resume_pc(GdbState *s, int idx, const char *p)
{
    uint64_t addr;
    uint8_t buf[16];

    if (!*p) {
        return true;
    }
    if (!parse_hex(&p, &addr) || *p) {
        return false;
    }
    memcpy(buf, &addr, 8);
    x86_cpu_gdb_write_reg(gdb_cpu(s, idx), 16, buf);
    return true;
}

static void cmd_continue(GdbState *s, const char *p)
{
    if (!set_resume_pc(s, s->c_cpu, p)) {
        gdb_reply(s, "E01");
        return;
    }
    gdb_resume(s, -1);
}

static void cmd_step(GdbState *s, const char *p)
{
    int idx = s->c_cpu < 0 ? 0 : s->c_cpu;

    if (!set_resume_pc(s, idx, p)) {
        gdb_reply(s, "E01");
        return;
    }
    gdb_resume(s, idx);
}

/* C sig / S sig: signals mean nothing to a bare machine. */
static void cmd_continue_sig(GdbState *s, const char *p)
{
    gdb_resume(s, -1);
}

static void cmd_step_sig(GdbState *s, const char *p)
{
    gdb_resume(s, s->c_cpu < 0 ? 0 : s->c_cpu);
}

static void cmd_vcont_query(GdbState *s, const char *p)
{
    gdb_reply(s, "vCont;c;C;s;S");
}

/* vCont;ACTION[:TID];...: the first "s" names the thread to step. */
static void cmd_vcont(GdbState *s, const char *p)
{
    int step = -1;

    if (*p != ';') {
        gdb_reply(s, "E01");
        return;
    }
    while (*p == ';') {
        char action = p[1];
        const char *colon;
        int idx = -1;
        if (!action) {
            gdb_reply(s, "E01");
            return;
        }
        p += 2;
        if (action == 'C' || action == 'S') {
            while (g_ascii_isxdigit(*p)) {
                p++;
            }
        }
        colon = p;
        if (*colon == ':') {
            g_autofree char *tid = g_strndup(colon + 1,
                                             strcspn(colon + 1, ";"));
            if (!parse_thread(s, tid, &idx)) {
                gdb_reply(s, "E01");
                return;
            }
            p = colon + 1 + strlen(tid);
        }
        if ((action == 's' || action == 'S') && step < 0) {
            step = idx < 0 ? (s->c_cpu < 0 ? 0 : s->c_cpu) : idx;
        } else if (action != 'c' && action != 'C') {
            gdb_reply(s, "E01");
            return;
        }
    }
    gdb_resume(s, step);
}

static void cmd_breakpoint(GdbState *s, const char *p, bool insert)
{
    uint64_t type, addr, kind;
    bool ok = true;

    if (!parse_hex(&p, &type) || *p++ != ',' || !parse_hex(&p, &addr) ||
        *p++ != ',' || !parse_hex(&p, &kind)) {
        gdb_reply(s, "E01");
        return;
    }
    if (type > 4) {
        gdb_reply(s, "");       /* unknown kind: not supported */
        return;
    }
    for (unsigned k = 0; k < s->m->ncpus; k++) {
        X86CPU *cpu = s->m->cpus[k];
        /* Z2 write, Z3 read, Z4 access watchpoints. */
        X86WatchKind wk = type == 2 ? X86_WATCH_WRITE :
                          type == 3 ? X86_WATCH_READ : X86_WATCH_ACCESS;
        if (type <= 1) {
            ok &= insert ? x86_cpu_breakpoint_insert(cpu, addr)
                         : x86_cpu_breakpoint_remove(cpu, addr);
        } else {
            ok &= insert ? x86_cpu_watchpoint_insert(cpu, addr, kind, wk)
                         : x86_cpu_watchpoint_remove(cpu, addr, kind, wk);
        }
    }
    gdb_reply(s, ok ? "OK" : "E22");
}

static void cmd_insert_bp(GdbState *s, const char *p)
{
    cmd_breakpoint(s, p, true);
}

static void cmd_remove_bp(GdbState *s, const char *p)
{
    cmd_breakpoint(s, p, false);
}

static void cmd_set_thread(GdbState *s, const char *p)
{
    int idx;

    if ((*p != 'g' && *p != 'c') || !parse_thread(s, p + 1, &idx)) {
        gdb_reply(s, "E01");
        return;
    }
    if (*p == 'g') {
        s->g_cpu = idx;
    } else {
        s->c_cpu = idx;
    }
    gdb_reply(s, "OK");
}

static void cmd_thread_alive(GdbState *s, const char *p)
{
    int idx;

    gdb_reply(s, parse_thread(s, p, &idx) && idx >= 0 ? "OK" : "E01");
}

/* Forget breakpoints and stepping and let the VM run on: gdb is gone. */
static void gdb_release(GdbState *s)
{
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_DEBUG);       /* the vCPUs must be out of guest */
    }
    for (unsigned k = 0; k < s->m->ncpus; k++) {
        x86_cpu_breakpoint_remove_all(s->m->cpus[k]);
        x86_cpu_watchpoint_remove_all(s->m->cpus[k]);
        x86_cpu_debug_resume(s->m->cpus[k], false);
    }
    s->waiting = false;
    if (runstate_check(RUN_STATE_DEBUG)) {
        Error *err = NULL;
        if (!vm_start(&err)) {
            error_free(err);
        }
    }
}

static void cmd_detach(GdbState *s, const char *p)
{
    gdb_reply(s, "OK");
    gdb_release(s);
}

static void cmd_kill(GdbState *s, const char *p)
{
    system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
}

static void cmd_supported(GdbState *s, const char *p)
{
    gdb_reply(s, "PacketSize=" GDB_PACKET_SIZE_STR
              ";qXfer:features:read+;swbreak+;hwbreak+;vContSupported+");
}

/* qXfer:features:read:target.xml:OFFSET,LENGTH (E.4, "qXfer"). */
static void cmd_xfer_features(GdbState *s, const char *p)
{
    const char *xml = x86_cpu_gdb_target_xml();
    size_t total = strlen(xml);
    uint64_t off, len;

    if (!g_str_has_prefix(p, "target.xml:")) {
        gdb_reply(s, "E00");
        return;
    }
    p += strlen("target.xml:");
    if (!parse_hex(&p, &off) || *p++ != ',' || !parse_hex(&p, &len) || *p) {
        gdb_reply(s, "E01");
        return;
    }
    if (off >= total) {
        gdb_reply(s, "l");
        return;
    }
    if (len > GDB_PACKET_MAX - 8) {
        len = GDB_PACKET_MAX - 8;
    }
    g_string_truncate(s->reply, 0);
    g_string_append_c(s->reply, off + len >= total ? 'l' : 'm');
    for (size_t k = off; k < total && k < off + len; k++) {
        char c = xml[k];
        if (c == '$' || c == '#' || c == '}' || c == '*') {
            g_string_append_c(s->reply, '}');
            c ^= 0x20;
        }
        g_string_append_c(s->reply, c);
    }
    gdb_send_packet(s, s->reply->str, s->reply->len);
}

static void cmd_thread_list(GdbState *s, const char *p)
{
    g_string_assign(s->reply, "m");
    for (unsigned k = 0; k < s->m->ncpus; k++) {
        g_string_append_printf(s->reply, k ? ",%x" : "%x", k + 1);
    }
    gdb_reply(s, s->m->ncpus ? s->reply->str : "l");
}

static void cmd_thread_list_more(GdbState *s, const char *p)
{
    gdb_reply(s, "l");
}

static void cmd_current_thread(GdbState *s, const char *p)
{
    g_autofree char *r = g_strdup_printf("QC%x",
                                         (s->g_cpu < 0 ? 0 : s->g_cpu) + 1);
    gdb_reply(s, r);
}

static void cmd_thread_extra(GdbState *s, const char *p)
{
    g_autofree char *text = NULL;
    int idx;

    if (*p++ != ',' || !parse_thread(s, p, &idx) || idx < 0) {
        gdb_reply(s, "E01");
        return;
    }
    text = g_strdup_printf("CPU#%d%s", idx,
                           x86_cpu_is_halted(s->m->cpus[idx]) ? " [halted]"
                                                               : "");
    g_string_truncate(s->reply, 0);
    hex_append(s->reply, (const uint8_t *)text, strlen(text));
    gdb_reply(s, s->reply->str);
}

static void cmd_attached(GdbState *s, const char *p)
{
    gdb_reply(s, "1");
}

typedef struct GdbCommand {
    const char *prefix;         /* matched against the packet's start */
    void (*fn)(GdbState *s, const char *rest);
    bool needs_cpu;             /* answer E01 on a machine without CPUs */
    bool needs_stop;            /* ... or while the vCPUs run (all-stop
                                   gdb never asks; a confused client
                                   must not touch a running CPU) */
} GdbCommand;

/* Longer prefixes first where one is a prefix of another. */
static const GdbCommand gdb_commands[] = {
    { "qSupported", cmd_supported, false },
    { "qXfer:features:read:", cmd_xfer_features, false },
    { "qfThreadInfo", cmd_thread_list, false },
    { "qsThreadInfo", cmd_thread_list_more, false },
    { "qThreadExtraInfo", cmd_thread_extra, true },
    { "qAttached", cmd_attached, false },
    { "qC", cmd_current_thread, false },
    { "vCont?", cmd_vcont_query, false },
    { "vCont", cmd_vcont, true, true },
    { "?", cmd_status, false },
    { "g", cmd_read_regs, true, true },
    { "G", cmd_write_regs, true, true },
    { "p", cmd_read_reg, true, true },
    { "P", cmd_write_reg, true, true },
    { "m", cmd_read_mem, true, true },
    { "M", cmd_write_mem, true, true },
    { "c", cmd_continue, true, true },
    { "C", cmd_continue_sig, true, true },
    { "s", cmd_step, true, true },
    { "S", cmd_step_sig, true, true },
    { "Z", cmd_insert_bp, true, true },
    { "z", cmd_remove_bp, true, true },
    { "H", cmd_set_thread, false },
    { "T", cmd_thread_alive, false },
    { "D", cmd_detach, false },
    { "k", cmd_kill, false },
};

static void gdb_handle_packet(GdbState *s, const char *pkt)
{
    for (size_t k = 0; k < G_N_ELEMENTS(gdb_commands); k++) {
        const GdbCommand *c = &gdb_commands[k];
        if (g_str_has_prefix(pkt, c->prefix)) {
            if ((c->needs_cpu && !s->m->ncpus) ||
                (c->needs_stop && runstate_is_running())) {
                gdb_reply(s, "E01");
            } else {
                c->fn(s, pkt + strlen(c->prefix));
            }
            return;
        }
    }
    gdb_reply(s, "");           /* unsupported: the empty response */
}

/* --- Receiving --------------------------------------------------------- */

/* Ctrl-C: stop the VM; the runstate hook sends the reply. */
static void gdb_interrupt(GdbState *s)
{
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_DEBUG);
    } else if (s->waiting) {
        s->waiting = false;
        gdb_send_stop(s, 2);
    }
}

static void gdb_rx_byte(GdbState *s, uint8_t c)
{
    switch (s->rx) {
    case RX_IDLE:
        if (c == '$') {
            g_string_truncate(s->pkt, 0);
            s->sum = 0;
            s->overflow = false;
            s->rx = RX_DATA;
        } else if (c == 0x03) {
            gdb_interrupt(s);
        }
        break;          /* '+' and '-' acks: nothing is retransmitted */
    case RX_DATA:
        if (c == '#') {
            s->rx = RX_CSUM1;
        } else if (s->pkt->len < GDB_PACKET_MAX) {
            g_string_append_c(s->pkt, c);
            s->sum += c;
        } else {
            s->overflow = true;
            s->sum += c;
        }
        break;
    case RX_CSUM1:
        s->csum[0] = c;
        s->rx = RX_CSUM2;
        break;
    case RX_CSUM2: {
        int hi = hex_nibble(s->csum[0]), lo = hex_nibble(c);
        s->rx = RX_IDLE;
        if (hi < 0 || lo < 0 || (hi << 4 | lo) != s->sum || s->overflow) {
            chardev_write(s->chr, (const uint8_t *)"-", 1);
            break;
        }
        chardev_write(s->chr, (const uint8_t *)"+", 1);
        gdb_handle_packet(s, s->pkt->str);
        break;
    }
    }
}

static size_t gdb_can_read(void *opaque)
{
    return GDB_PACKET_MAX;
}

static void gdb_read(void *opaque, const uint8_t *buf, size_t len)
{
    for (size_t k = 0; k < len; k++) {
        gdb_rx_byte(opaque, buf[k]);
    }
}

static void gdb_event(void *opaque, ChardevEvent event)
{
    GdbState *s = opaque;

    s->rx = RX_IDLE;
    if (event == CHARDEV_EVENT_OPENED) {
        /* As QEMU does: the VM stops when gdb attaches. */
        s->g_cpu = s->c_cpu = 0;
        s->waiting = false;
        vm_stop(RUN_STATE_DEBUG);
    } else {
        gdb_release(s);
    }
}

static const ChardevHandlers gdb_handlers = {
    .can_read = gdb_can_read,
    .read = gdb_read,
    .event = gdb_event,
};

/* tcp and unix sockets are servers that do not wait, as QEMU's -gdb. */
static char *gdb_chardev_spec(const char *spec)
{
    if ((g_str_has_prefix(spec, "tcp:") || g_str_has_prefix(spec, "unix:")) &&
        !strstr(spec, "server")) {
        return g_strconcat(spec, ",server=on,wait=off", NULL);
    }
    return g_strdup(spec);
}

bool gdbstub_start(const char *spec, Machine *m, Error **errp)
{
    g_autofree char *full = NULL;
    GdbState *s;
    Chardev *chr;

    if (!strcmp(spec, "none")) {
        return true;
    }
    if (gdb) {
        error_setg(errp, "gdbstub is already running");
        return false;
    }
    full = gdb_chardev_spec(spec);
    chr = chardev_new_shorthand("gdb", full, errp);
    if (!chr) {
        return false;
    }
    s = g_new0(GdbState, 1);
    s->chr = chr;
    s->m = m;
    s->pkt = g_string_new(NULL);
    s->reply = g_string_new(NULL);
    if (!chardev_set_handlers(chr, &gdb_handlers, s, errp)) {
        g_string_free(s->pkt, true);
        g_string_free(s->reply, true);
        g_free(s);
        return false;
    }
    runstate_add_hook(gdb_runstate_hook, s);
    gdb = s;
    return true;
}

void gdbstub_stop(void)
{
    if (!gdb) {
        return;
    }
    runstate_remove_hook(gdb_runstate_hook, gdb);
    chardev_set_handlers(gdb->chr, NULL, gdb, NULL);
    g_string_free(gdb->pkt, true);
    g_string_free(gdb->reply, true);
    g_free(gdb);
    gdb = NULL;
}
