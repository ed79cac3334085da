/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 16550A UART (National Semiconductor PC16550D datasheet: Table II
 * "Summary of Registers", Table IV "Interrupt Control Functions"; TI
 * TL16C550 has the same map): the PC's serial port, with 16-byte receive
 * and transmit FIFOs, four interrupt sources in priority order, the modem
 * control and status lines, and the internal loopback used by drivers to
 * probe for the chip.
 *
 * Register map (8 bytes at iobase; DLAB is LCR bit 7):
 *   0  RBR (read) / THR (write)         DLAB=1: DLL, divisor low byte
 *   1  IER  interrupt enable            DLAB=1: DLM, divisor high byte
 *   2  IIR (read) / FCR (write)
 *   3  LCR  line control
 *   4  MCR  modem control
 *   5  LSR  line status
 *   6  MSR  modem status
 *   7  SCR  scratch
 *
 * The serial line is a chardev.  Received bytes enter the RX FIFO only as
 * fast as it has room (chardev back-pressure, so nothing is lost to
 * overrun); the character timeout interrupt fires four character times
 * (at the programmed baud rate, on the virtual clock) after the last
 * activity when the FIFO holds fewer bytes than the trigger level.
 *
 * Deviation: transmission takes no line time.  A byte written to THR is
 * sent at once into an output backlog that is handed to the chardev in
 * batches (at least every millisecond, or when it grows large), so a
 * guest printing a byte at a time costs no host system call per byte.
 * THRE and TEMT read as set while the backlog has room; when the chardev's
 * peer stops reading and the backlog fills, THRE clears and the guest
 * waits, as it would for a slow line.
 * Deviation: OUT2 does not gate the interrupt output (it does on PC
 * boards; QEMU does not model the gate and guests run unchanged either
 * way).  Parity, framing and break are not modelled: the line carries
 * bytes, so PE, FE and BI never set.  FCR DMA mode is accepted and has no
 * effect.
 */
#include "hw/char/uart-16550.h"

#include <string.h>

#include "hw/core/ioport.h"
#include "hw/core/lock.h"
#include "hw/core/machine.h"
#include "hw/core/memory.h"
#include "util/chardev.h"
#include "util/log.h"
#include "util/timer.h"
#include "util/trace.h"

/* Register offsets. */
enum {
    UART_RBR = 0,       /* THR on write; DLL when DLAB */
    UART_IER = 1,       /* DLM when DLAB */
    UART_IIR = 2,       /* FCR on write */
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

#define UART_IER_ERBFI  0x01    /* received data available */
#define UART_IER_ETBEI  0x02    /* THR empty */
#define UART_IER_ELSI   0x04    /* receiver line status */
#define UART_IER_EDSSI  0x08    /* modem status */
#define UART_IER_MASK   0x0f

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI    0x00    /* modem status */
#define UART_IIR_THRI   0x02    /* THR empty */
#define UART_IIR_RDI    0x04    /* received data available */
#define UART_IIR_RLSI   0x06    /* receiver line status */
#define UART_IIR_CTI    0x0c    /* character timeout */
#define UART_IIR_FIFO   0xc0    /* FIFOs enabled */

#define UART_FCR_FE     0x01    /* FIFO enable */
#define UART_FCR_RFR    0x02    /* RX FIFO reset */
#define UART_FCR_TFR    0x04    /* TX FIFO reset */
#define UART_FCR_ITL    0xc0    /* RX trigger level */

#define UART_LCR_WLS    0x03    /* word length - 5 */
#define UART_LCR_STB    0x04    /* 2 stop bits */
#define UART_LCR_PEN    0x08    /* parity enable */
#define UART_LCR_DLAB   0x80

#define UART_MCR_DTR    0x01
#define UART_MCR_RTS    0x02
#define UART_MCR_OUT1   0x04
#define UART_MCR_OUT2   0x08
#define UART_MCR_LOOP   0x10
#define UART_MCR_MASK   0x1f

#define UART_LSR_DR     0x01    /* data ready */
#define UART_LSR_OE     0x02    /* overrun */
#define UART_LSR_PE     0x04
#define UART_LSR_FE     0x08
#define UART_LSR_BI     0x10
#define UART_LSR_THRE   0x20    /* THR empty */
#define UART_LSR_TEMT   0x40    /* transmitter empty */
#define UART_LSR_FIFOE  0x80    /* error in RX FIFO */
#define UART_LSR_ERRORS (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS   0x01
#define UART_MSR_DDSR   0x02
#define UART_MSR_TERI   0x04
#define UART_MSR_DDCD   0x08
#define UART_MSR_CTS    0x10
#define UART_MSR_DSR    0x20
#define UART_MSR_RI     0x40
#define UART_MSR_DCD    0x80
#define UART_MSR_DELTAS 0x0f

#define UART_FIFO_SIZE  16
#define UART_CLOCK_HZ   115200  /* 1.8432 MHz crystal / 16 */

/* Output backlog bound; THRE reads clear while it is this full. */
#define UART_TX_BACKLOG 4096
/* Hand the backlog to the chardev at once when it reaches this. */
#define UART_TX_BATCH   1024
/* Longest a transmitted byte waits in the backlog. */
#define UART_TX_FLUSH_NS 1000000

const uint16_t uart16550_pc_iobase[4] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
const uint8_t uart16550_pc_irq[4] = { 4, 3, 4, 3 };

typedef struct UART16550State {
    Device parent;

    /* Properties. */
    uint16_t iobase;
    uint8_t isa_irq;
    Chardev *chr;

    /* Guest-visible state. */
    uint8_t ier;
    uint8_t fcr;
    uint8_t lcr;
    uint8_t mcr;
    uint8_t lsr;
    uint8_t msr;
    uint8_t scr;
    uint16_t divisor;
    uint8_t rx_fifo[UART_FIFO_SIZE];
    unsigned rx_head;
    unsigned rx_count;
    bool thr_ipending;      /* THRE interrupt raised, not yet cleared */
    bool timeout_ipending;  /* character timeout interrupt */

    /* Host plumbing. */
    MemoryRegion io;
    IRQLine *irq;
    Timer *rx_timeout;      /* virtual clock */
    Timer *tx_flush;        /* realtime clock */
    GByteArray *tx;         /* transmitted, not yet taken by the chardev */
    bool rx_blocked;        /* can_read() said 0: wake the chardev later */
} UART16550State;

static inline UART16550State *uart_from_dev(Device *dev)
{
    return container_of(dev, UART16550State, parent);
}

enum {
    UART_TRACE_READ,
    UART_TRACE_WRITE,
    UART_TRACE_IRQ,
};

static TracePoint uart_trace[] = {
    [UART_TRACE_READ] = { "uart_read" },
    [UART_TRACE_WRITE] = { "uart_write" },
    [UART_TRACE_IRQ] = { "uart_irq" },
};

static const uint8_t uart_rx_trigger[4] = { 1, 4, 8, 14 };

/*
 * Callbacks from the main loop (timers, chardev) take the machine lock,
 * unless the loop already runs them under it (main_loop_set_lock()).
 */
static bool uart_lock(void)
{
    if (machine_lock_held()) {
        return false;
    }
    machine_lock();
    return true;
}

static void uart_unlock(bool taken)
{
    if (taken) {
        machine_unlock();
    }
}

/* ---- interrupts ----------------------------------------------------- */

static bool uart_fifo_enabled(UART16550State *s)
{
    return s->fcr & UART_FCR_FE;
}

/* The highest-priority pending, enabled source (datasheet Table IV). */
static uint8_t uart_iir_id(UART16550State *s)
{
    bool rx_ready = uart_fifo_enabled(s)
        ? s->rx_count >= uart_rx_trigger[s->fcr >> 6]
        : s->rx_count > 0;

    if ((s->ier & UART_IER_ELSI) && (s->lsr & UART_LSR_ERRORS)) {
        return UART_IIR_RLSI;
    }
    if ((s->ier & UART_IER_ERBFI) && rx_ready) {
        return UART_IIR_RDI;
    }
    if ((s->ier & UART_IER_ERBFI) && s->timeout_ipending) {
        return UART_IIR_CTI;
    }
    if ((s->ier & UART_IER_ETBEI) && s->thr_ipending) {
        return UART_IIR_THRI;
    }
    if ((s->ier & UART_IER_EDSSI) && (s->msr & UART_MSR_DELTAS)) {
        return UART_IIR_MSI;
    }
    return UART_IIR_NO_INT;
}

static void uart_update_irq(UART16550State *s)
{
    bool level = uart_iir_id(s) != UART_IIR_NO_INT;

    if (trace_enabled(&uart_trace[UART_TRACE_IRQ]) &&
        level != irq_get_level(s->irq)) {
        trace_emit(&uart_trace[UART_TRACE_IRQ], "base=0x%x level=%d",
                   s->iobase, level);
    }
    irq_set(s->irq, level);
}

/* ---- receive -------------------------------------------------------- */

/* Nanoseconds one character takes on the line at the current settings. */
static int64_t uart_char_ns(UART16550State *s)
{
    unsigned bits = 1 + 5 + (s->lcr & UART_LCR_WLS) +
                    ((s->lcr & UART_LCR_PEN) ? 1 : 0) +
                    ((s->lcr & UART_LCR_STB) ? 2 : 1);
    unsigned divisor = s->divisor ? s->divisor : 1;

    return (int64_t)bits * NANOSECONDS_PER_SECOND * divisor / UART_CLOCK_HZ;
}

static void uart_arm_timeout(UART16550State *s)
{
    s->timeout_ipending = false;
    if (uart_fifo_enabled(s) && s->rx_count > 0) {
        timer_mod_in_ns(s->rx_timeout, 4 * uart_char_ns(s));
    } else {
        timer_del(s->rx_timeout);
    }
}

static void uart_rx_timeout(void *opaque)
{
    UART16550State *s = opaque;
    bool taken = uart_lock();

    if (uart_fifo_enabled(s) && s->rx_count > 0) {
        s->timeout_ipending = true;
        uart_update_irq(s);
    }
    uart_unlock(taken);
}

/* A character finished arriving in the receive shift register. */
static void uart_receive_byte(UART16550State *s, uint8_t byte)
{
    unsigned depth = uart_fifo_enabled(s) ? UART_FIFO_SIZE : 1;

    if (s->rx_count == depth) {
        /* The new character is lost; in 16450 mode it replaces RBR. */
        s->lsr |= UART_LSR_OE;
        if (depth == 1) {
            s->rx_fifo[s->rx_head] = byte;
        }
        return;
    }
    s->rx_fifo[(s->rx_head + s->rx_count) % UART_FIFO_SIZE] = byte;
    s->rx_count++;
    s->lsr |= UART_LSR_DR;
}

static uint8_t uart_read_rbr(UART16550State *s)
{
    uint8_t byte = s->rx_fifo[s->rx_head];

    if (s->rx_count == 0) {
        return byte;    /* stale RBR, as the hardware reads */
    }
    s->rx_head = (s->rx_head + 1) % UART_FIFO_SIZE;
    s->rx_count--;
    if (s->rx_count == 0) {
        s->lsr &= ~UART_LSR_DR;
    }
    uart_arm_timeout(s);
    if (s->rx_blocked && s->chr) {
        s->rx_blocked = false;
        chardev_accept_input(s->chr);
    }
    return byte;
}

static void uart_rx_reset(UART16550State *s)
{
    s->rx_head = 0;
    s->rx_count = 0;
    s->lsr &= ~(UART_LSR_DR | UART_LSR_FIFOE);
    s->timeout_ipending = false;
    timer_del(s->rx_timeout);
}

static size_t uart_can_read(void *opaque)
{
    UART16550State *s = opaque;
    bool taken = uart_lock();
    size_t room = 0;

    /* In loopback the receiver hears only the transmitter. */
    if (!(s->mcr & UART_MCR_LOOP)) {
        room = (uart_fifo_enabled(s) ? UART_FIFO_SIZE : 1) - s->rx_count;
    }
    s->rx_blocked = room == 0;
    uart_unlock(taken);
    return room;
}

static void uart_chr_read(void *opaque, const uint8_t *buf, size_t len)
{
    UART16550State *s = opaque;
    bool taken = uart_lock();

    for (size_t i = 0; i < len; i++) {
        uart_receive_byte(s, buf[i]);
    }
    uart_arm_timeout(s);
    uart_update_irq(s);
    uart_unlock(taken);
}

static const ChardevHandlers uart_chr_handlers = {
    .can_read = uart_can_read,
    .read = uart_chr_read,
};

/* ---- transmit ------------------------------------------------------- */

static void uart_set_thre(UART16550State *s, bool empty)
{
    if (empty && !(s->lsr & UART_LSR_THRE)) {
        s->thr_ipending = true;
    }
    if (empty) {
        s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    } else {
        s->lsr &= ~(UART_LSR_THRE | UART_LSR_TEMT);
    }
}

/* Hand the backlog to the chardev; machine lock held. */
static void uart_tx_flush_locked(UART16550State *s)
{
    ssize_t n = s->tx->len;

    if (s->chr && s->tx->len) {
        n = chardev_write(s->chr, s->tx->data, s->tx->len);
    }
    if (n > 0) {
        g_byte_array_remove_range(s->tx, 0, n);
    }
    if (s->tx->len) {
        /* The peer is slow: try again shortly. */
        timer_mod_in_ns(s->tx_flush, UART_TX_FLUSH_NS);
    }
    if (s->tx->len < UART_TX_BACKLOG - UART_FIFO_SIZE &&
        !(s->lsr & UART_LSR_THRE)) {
        uart_set_thre(s, true);
        uart_update_irq(s);
    }
}

static void uart_tx_flush(void *opaque)
{
    UART16550State *s = opaque;
    bool taken = uart_lock();

    uart_tx_flush_locked(s);
    uart_unlock(taken);
}

static void uart_write_thr(UART16550State *s, uint8_t byte)
{
    if (s->mcr & UART_MCR_LOOP) {
        uart_receive_byte(s, byte);
        uart_arm_timeout(s);
        uart_set_thre(s, true);
        s->thr_ipending = true;
        return;
    }
    if (s->chr) {
        if (s->tx->len >= UART_TX_BACKLOG) {
            log_guest_error("uart 0x%x: THR written while not empty\n",
                            s->iobase);
            return;
        }
        g_byte_array_append(s->tx, &byte, 1);
        if (s->tx->len >= UART_TX_BATCH) {
            uart_tx_flush_locked(s);
        } else if (!timer_pending(s->tx_flush)) {
            timer_mod_in_ns(s->tx_flush, UART_TX_FLUSH_NS);
        }
    }
    /* The transmitter took the byte: THR is empty again. */
    uart_set_thre(s, s->tx->len < UART_TX_BACKLOG - UART_FIFO_SIZE);
    s->thr_ipending = s->lsr & UART_LSR_THRE;
}

/* ---- modem lines ---------------------------------------------------- */

/* The modem inputs: looped back from MCR, else CTS, DSR and DCD held
 * asserted (the chardev has no modem lines). */
static uint8_t uart_msr_inputs(UART16550State *s)
{
    uint8_t in = 0;

    if (!(s->mcr & UART_MCR_LOOP)) {
        return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
    }
    in |= (s->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0;
    in |= (s->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0;
    in |= (s->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0;
    in |= (s->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0;
    return in;
}

static void uart_update_msr(UART16550State *s)
{
    uint8_t old = s->msr & ~UART_MSR_DELTAS;
    uint8_t now = uart_msr_inputs(s);
    uint8_t changed = old ^ now;
    uint8_t deltas = s->msr & UART_MSR_DELTAS;

    deltas |= (changed & UART_MSR_CTS) ? UART_MSR_DCTS : 0;
    deltas |= (changed & UART_MSR_DSR) ? UART_MSR_DDSR : 0;
    deltas |= (changed & UART_MSR_DCD) ? UART_MSR_DDCD : 0;
    /* TERI: RI went from on to off. */
    deltas |= ((old & UART_MSR_RI) && !(now & UART_MSR_RI)) ? UART_MSR_TERI
                                                            : 0;
    s->msr = now | deltas;
}

/* ---- register access ------------------------------------------------ */

static uint8_t uart_read_iir(UART16550State *s)
{
    uint8_t id = uart_iir_id(s);

    /* Reading IIR while it reports THRE clears that interrupt. */
    if (id == UART_IIR_THRI) {
        s->thr_ipending = false;
    }
    return id | (uart_fifo_enabled(s) ? UART_IIR_FIFO : 0);
}

static uint8_t uart_reg_read(UART16550State *s, unsigned reg)
{
    uint8_t val;

    switch (reg) {
    case UART_RBR:
        return (s->lcr & UART_LCR_DLAB) ? s->divisor & 0xff
                                        : uart_read_rbr(s);
    case UART_IER:
        return (s->lcr & UART_LCR_DLAB) ? s->divisor >> 8 : s->ier;
    case UART_IIR:
        return uart_read_iir(s);
    case UART_LCR:
        return s->lcr;
    case UART_MCR:
        return s->mcr;
    case UART_LSR:
        val = s->lsr;
        s->lsr &= ~(UART_LSR_ERRORS | UART_LSR_FIFOE);
        return val;
    case UART_MSR:
        val = s->msr;
        s->msr &= ~UART_MSR_DELTAS;
        return val;
    case UART_SCR:
    default:
        return s->scr;
    }
}

static void uart_write_fcr(UART16550State *s, uint8_t val)
{
    /* Changing the FIFO enable bit clears both FIFOs. */
    if ((val ^ s->fcr) & UART_FCR_FE) {
        val |= UART_FCR_RFR | UART_FCR_TFR;
    }
    if (val & UART_FCR_RFR) {
        uart_rx_reset(s);
    }
    /* TX FIFO reset: the backlog is already on the line (see above). */
    s->fcr = val & (UART_FCR_FE | UART_FCR_ITL | 0x08);
    if (!uart_fifo_enabled(s)) {
        s->fcr = 0;
    }
}

static void uart_reg_write(UART16550State *s, unsigned reg, uint8_t val)
{
    bool dlab = s->lcr & UART_LCR_DLAB;

    switch (reg) {
    case UART_RBR:
        if (dlab) {
            s->divisor = (s->divisor & 0xff00) | val;
        } else {
            uart_write_thr(s, val);
        }
        break;
    case UART_IER:
        if (dlab) {
            s->divisor = (s->divisor & 0x00ff) | (val << 8);
            break;
        }
        /* Enabling ETBEI while THR is empty raises the interrupt. */
        if ((val & ~s->ier & UART_IER_ETBEI) && (s->lsr & UART_LSR_THRE)) {
            s->thr_ipending = true;
        }
        s->ier = val & UART_IER_MASK;
        break;
    case UART_IIR:
        uart_write_fcr(s, val);
        break;
    case UART_LCR:
        s->lcr = val;
        break;
    case UART_MCR:
        s->mcr = val & UART_MCR_MASK;
        uart_update_msr(s);
        break;
    case UART_LSR:
    case UART_MSR:
        /* Factory-test writes: read-only registers in normal use. */
        break;
    case UART_SCR:
    default:
        s->scr = val;
        break;
    }
}

static uint64_t uart_io_read(void *opaque, uint64_t offset, unsigned size)
{
    UART16550State *s = opaque;
    uint8_t val = uart_reg_read(s, offset & 7);

    uart_update_irq(s);
    if (trace_enabled(&uart_trace[UART_TRACE_READ])) {
        trace_emit(&uart_trace[UART_TRACE_READ], "base=0x%x reg=%u val=0x%02x",
                   s->iobase, (unsigned)offset, val);
    }
    return val;
}

static void uart_io_write(void *opaque, uint64_t offset, uint64_t val,
                          unsigned size)
{
    UART16550State *s = opaque;

    if (trace_enabled(&uart_trace[UART_TRACE_WRITE])) {
        trace_emit(&uart_trace[UART_TRACE_WRITE],
                   "base=0x%x reg=%u val=0x%02x", s->iobase,
                   (unsigned)offset, (unsigned)val);
    }
    uart_reg_write(s, offset & 7, val);
    uart_update_irq(s);
}

static const MemoryRegionOps uart_io_ops = {
    .read = uart_io_read,
    .write = uart_io_write,
    .min_access = 1,
    .max_access = 1,
};

/* ---- device --------------------------------------------------------- */

static void uart_reset(Device *dev)
{
    UART16550State *s = uart_from_dev(dev);

    s->ier = 0;
    s->fcr = 0;
    s->lcr = 0;
    s->mcr = 0;
    s->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    s->msr = uart_msr_inputs(s);
    s->scr = 0;
    s->divisor = 12;    /* 9600 baud */
    s->thr_ipending = false;
    uart_rx_reset(s);
}

static void uart_sync_irqs(Device *dev)
{
    uart_update_irq(uart_from_dev(dev));
}

void uart16550_connect_irq(Device *dev, IRQLine *irq)
{
    UART16550State *s = uart_from_dev(dev);

    s->irq = irq;
    if (dev->realized) {
        uart_update_irq(s);
    }
}

static bool uart_realize(Device *dev, Error **errp)
{
    UART16550State *s = uart_from_dev(dev);

    if (!dev->machine || !dev->machine->io) {
        error_setg(errp, "isa-serial needs a machine with an I/O space");
        return false;
    }
    if (s->iobase > 0x10000 - 8) {
        error_setg(errp, "isa-serial: iobase 0x%x leaves the I/O space",
                   s->iobase);
        return false;
    }
    if (s->chr && !chardev_set_handlers(s->chr, &uart_chr_handlers, s,
                                        errp)) {
        return false;
    }
    trace_add_group("uart", uart_trace, G_N_ELEMENTS(uart_trace));
    s->tx = g_byte_array_new();
    s->rx_timeout = timer_new(CLOCK_TYPE_VIRTUAL, uart_rx_timeout, s);
    s->tx_flush = timer_new(CLOCK_TYPE_REALTIME, uart_tx_flush, s);
    memory_region_init_io(&s->io, "serial", &uart_io_ops, s, 8);
    s->io.owner = dev;
    io_space_map(dev->machine->io, &s->io, s->iobase);
    uart_reset(dev);
    return true;
}

static void uart_unrealize(Device *dev)
{
    UART16550State *s = uart_from_dev(dev);

    uart_tx_flush_locked(s);
    if (s->chr) {
        chardev_set_handlers(s->chr, NULL, NULL, NULL);
    }
    memory_region_destroy(&s->io);
    timer_free(s->rx_timeout);
    timer_free(s->tx_flush);
    g_byte_array_free(s->tx, true);
}

static const Property uart_props[] = {
    DEFINE_PROP_UINT("iobase", UART16550State, iobase, 0x3f8,
                     "I/O base port"),
    DEFINE_PROP_UINT("irq", UART16550State, isa_irq, 4, "ISA IRQ number"),
    DEFINE_PROP_CHARDEV("chardev", UART16550State, chr,
                        "backend of the serial line"),
    { 0 },
};

const DeviceClass uart16550_class = {
    .name = "isa-serial",
    .description = "16550A UART",
    .category = DEVICE_CATEGORY_INPUT,
    .bus = "ISA",
    .user_creatable = true,
    .instance_size = sizeof(UART16550State),
    .props = uart_props,
    .realize = uart_realize,
    .reset = uart_reset,
    .sync_irqs = uart_sync_irqs,
    .unrealize = uart_unrealize,
};
