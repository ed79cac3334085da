/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the qcow2 engine over an in-memory file: random I/O
 * against a shadow copy for several cluster sizes and refcount widths
 * (with reopen and a clean consistency check), snapshots, corruption on an
 * overlapping write (EIO, event, corrupt bit, read-write reopen refused),
 * the per-write overlap check cost in "all" mode as the image grows (work
 * counted, no host reads), hostile table entries (no crash), and the
 * periodic cache cleaning of cache-clean-interval, and crash safety: the
 * file as a crash after any single write would leave it has no corruption.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include "block/qcow2/qcow2-check.h"
#include "block/qcow2/qcow2-create.h"
#include "block/qcow2/qcow2-snapshot.h"
#include "util/event-bus.h"

typedef struct MemFile {
    GByteArray *b;
    unsigned reads, writes, flushes;
    unsigned delay_us;      /* slow writes, to widen race windows */
    bool crash_check;       /* check the image as a crash would leave it */
    unsigned crash_points;  /* writes after which it was checked */
} MemFile;

static void crash_point(MemFile *f);

/* The engine does data I/O without its lock; the fake file serialises. */
static GMutex mem_lock;

static int mem_pread(void *o, uint64_t off, void *buf, size_t len)
{
    MemFile *f = o;

    g_mutex_lock(&mem_lock);
    size_t have = off < f->b->len ? MIN(len, f->b->len - off) : 0;
    f->reads++;
    memcpy(buf, f->b->data + off, have);
    memset((uint8_t *)buf + have, 0, len - have);
    g_mutex_unlock(&mem_lock);
    return 0;
}

static int mem_pwrite(void *o, uint64_t off, const void *buf, size_t len)
{
    MemFile *f = o;

    if (f->delay_us) {
        g_usleep(f->delay_us);
    }
    g_mutex_lock(&mem_lock);
    f->writes++;
    if (off + len > f->b->len) {
        size_t old = f->b->len;
        g_byte_array_set_size(f->b, off + len);
        memset(f->b->data + old, 0, off + len - old);
    }
    memcpy(f->b->data + off, buf, len);
    g_mutex_unlock(&mem_lock);
    if (f->crash_check) {
        crash_point(f);
    }
    return 0;
}

static int mem_flush(void *o)
{
    ((MemFile *)o)->flushes++;
    return 0;
}

static int64_t mem_len(void *o)
{
    g_mutex_lock(&mem_lock);
    int64_t len = ((MemFile *)o)->b->len;
    g_mutex_unlock(&mem_lock);
    return len;
}

static int mem_truncate(void *o, uint64_t len, Qcow2Prealloc p)
{
    MemFile *f = o;

    g_mutex_lock(&mem_lock);
    size_t old = f->b->len;
    g_byte_array_set_size(f->b, len);
    if (len > old) {
        memset(f->b->data + old, 0, len - old);
    }
    g_mutex_unlock(&mem_lock);
    return 0;
}

static Qcow2Host mem_host(MemFile *f)
{
    return (Qcow2Host) { .opaque = f, .pread = mem_pread,
                         .pwrite = mem_pwrite, .flush = mem_flush,
                         .getlength = mem_len, .truncate = mem_truncate };
}

static Qcow2State *mem_create(MemFile *f, uint64_t size, uint64_t cs,
                              uint64_t rbits, uint32_t mask)
{
    Qcow2CreateOpts co;
    Qcow2Options o;
    Qcow2Host h = mem_host(f);

    *f = (MemFile) { .b = g_byte_array_new() };
    qcow2_create_opts_init(&co);
    co.size = size;
    co.cluster_size = cs;
    co.refcount_bits = rbits;
    g_assert_true(qcow2_create(&h, &co, &error_abort));
    qcow2_options_init(&o);
    o.overlap_mask = mask;
    return qcow2_open(&h, NULL, &o, &error_abort);
}

static Qcow2State *mem_reopen(MemFile *f, bool ro, Error **errp)
{
    Qcow2Options o;
    Qcow2Host h = mem_host(f);

    qcow2_options_init(&o);
    o.read_only = ro;
    return qcow2_open(&h, NULL, &o, errp);
}

static void assert_clean(Qcow2State *s)
{
    Qcow2CheckResult r;

    g_assert_cmpint(qcow2_check(s, &r, 0), ==, 0);
    g_assert_cmpint(r.corruptions, ==, 0);
    g_assert_cmpint(r.leaks, ==, 0);
    g_assert_cmpint(r.check_errors, ==, 0);
}

static void random_io(uint32_t cb, uint64_t rbits)
{
    const uint64_t size = 8 << 20;
    g_autofree uint8_t *shadow = g_malloc0(size), *buf = g_malloc(1 << 20);
    GRand *r = g_rand_new_with_seed(cb * 100 + (uint32_t)rbits);
    MemFile f;
    Qcow2State *s = mem_create(&f, size, 1ull << cb, rbits, QCOW2_OL_ALL);

    for (int i = 0; i < 300; i++) {
        uint64_t len = g_rand_int_range(r, 1, 1 << 18);
        uint64_t off = g_rand_int_range(r, 0, (gint32)(size - len));
        int op = g_rand_int_range(r, 0, 10);
        if (op < 6) {
            for (uint64_t k = 0; k < len; k++) {
                buf[k] = (uint8_t)(i + k / 512);
            }
            g_assert_cmpint(qcow2_write(s, off, buf, len), ==, 0);
            memcpy(shadow + off, buf, len);
        } else if (op < 7) {
            g_assert_cmpint(qcow2_write_zeroes(s, off, len, op & 1), ==, 0);
            memset(shadow + off, 0, len);
        } else if (op < 8) {
            /* Discard drops whole clusters only. */
            uint64_t cs = 1ull << cb;
            uint64_t a = (off + cs - 1) & ~(cs - 1), e = (off + len) & ~(cs - 1);
            g_assert_cmpint(qcow2_discard(s, off, len), ==, 0);
            if (e > a) {
                memset(shadow + a, 0, e - a);
            }
        } else {
            g_assert_cmpint(qcow2_read(s, off, buf, len), ==, 0);
            if (memcmp(buf, shadow + off, len)) {
                uint64_t k = 0;
                while (buf[k] == shadow[off + k]) {
                    k++;
                }
                g_test_message("cb %u rbits %llu op %d: mismatch at %#llx",
                               cb, (unsigned long long)rbits, i,
                               (unsigned long long)(off + k));
                g_assert_not_reached();
            }
        }
        if (i % 50 == 49) {
            g_assert_cmpint(qcow2_flush(s), ==, 0);
        }
        if (g_getenv("QCOW2_DEBUG_IO")) {
            g_autofree uint8_t *all = g_malloc(size);
            g_assert_cmpint(qcow2_read(s, 0, all, size), ==, 0);
            if (memcmp(all, shadow, size)) {
                g_test_message("after op %d (kind %d off %#llx len %#llx)",
                               i, op, (unsigned long long)off,
                               (unsigned long long)len);
                g_assert_not_reached();
            }
        }
    }
    g_assert_cmpint(qcow2_close(s), ==, 0);
    s = mem_reopen(&f, false, &error_abort);
    assert_clean(s);
    g_autofree uint8_t *all = g_malloc(size);
    g_assert_cmpint(qcow2_read(s, 0, all, size), ==, 0);
    g_assert_cmpmem(all, size, shadow, size);
    qcow2_close(s);
    g_byte_array_free(f.b, TRUE);
    g_rand_free(r);
}

static void test_random_io(void)
{
    static const struct { uint32_t cb; uint64_t rbits; } cfg[] = {
        { 9, 16 }, { 9, 64 }, { 12, 1 }, { 12, 8 }, { 16, 16 }, { 16, 2 },
        { 21, 32 },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS(cfg); i++) {
        random_io(cfg[i].cb, cfg[i].rbits);
    }
}

static void test_snapshots(void)
{
    MemFile f;
    Qcow2State *s = mem_create(&f, 4 << 20, 65536, 16, QCOW2_OL_ALL);
    uint8_t a[4096], b[4096], c[4096];

    memset(a, 0xaa, sizeof(a));
    memset(b, 0xbb, sizeof(b));
    g_assert_cmpint(qcow2_write(s, 0, a, sizeof(a)), ==, 0);
    g_assert_cmpint(qcow2_snapshot_create(s, NULL, "one", 1, 2, 3,
                                          &error_abort), ==, 0);
    g_assert_cmpint(qcow2_write(s, 0, b, sizeof(b)), ==, 0);
    assert_clean(s);
    g_assert_cmpint(qcow2_snapshot_goto(s, "one", &error_abort), ==, 0);
    g_assert_cmpint(qcow2_read(s, 0, c, sizeof(c)), ==, 0);
    g_assert_cmpmem(c, sizeof(c), a, sizeof(a));
    assert_clean(s);
    g_assert_cmpint(qcow2_snapshot_delete(s, "1", &error_abort), ==, 0);
    g_assert_cmpint(s->nb_snapshots, ==, 0);
    assert_clean(s);
    g_assert_cmpint(qcow2_snapshot_delete(s, "one", NULL), ==, -ENOENT);
    qcow2_close(s);
    g_byte_array_free(f.b, TRUE);
}

static GPtrArray *corrupted;

static void on_event(const BusEvent *ev, void *opaque)
{
    if (!strcmp(ev->name, "BLOCK_IMAGE_CORRUPTED")) {
        g_ptr_array_add(corrupted, g_strdup(json_object_to_json_string(
                                                ev->data)));
    }
}

static void test_corruption(void)
{
    MemFile f;
    Qcow2State *s = mem_create(&f, 4 << 20, 65536, 16, QCOW2_OL_CACHED);
    uint8_t d[4096] = { 1 };
    Error *err = NULL;
    unsigned sub;

    corrupted = g_ptr_array_new_with_free_func(g_free);
    sub = event_bus_subscribe(on_event, NULL);
    g_assert_cmpint(qcow2_write(s, 0, d, sizeof(d)), ==, 0);
    g_assert_cmpint(qcow2_close(s), ==, 0);
    /* Guest cluster 0 now claims the refcount table's cluster. */
    uint64_t l1 = qcow2_be64(f.b->data + 40);
    uint64_t l2 = qcow2_be64(f.b->data + l1) & QCOW2_L1E_OFFSET_MASK;
    qcow2_put_be64(f.b->data + l2, 65536 | QCOW2_OFLAG_COPIED);
    s = mem_reopen(&f, false, &error_abort);
    g_assert_cmpint(qcow2_write(s, 512, d, 100), ==, -EIO);
    g_assert_true(s->corrupt);
    g_assert_cmpint(qcow2_read(s, 0, d, 512), ==, -ENOMEDIUM);
    g_assert_cmpuint(corrupted->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(corrupted, 0), ==,
                    "{ \"device\": \"\", \"msg\": \"Preventing invalid write "
                    "on metadata (overlaps with refcount table)\", "
                    "\"offset\": 66048, \"size\": 100, \"fatal\": true }");
    g_assert_true(qcow2_be64(f.b->data + 72) & QCOW2_INCOMPAT_CORRUPT);
    qcow2_close(s);
    g_assert_null(mem_reopen(&f, false, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "Image is corrupt"));
    error_free(err);
    s = mem_reopen(&f, true, &error_abort);
    g_assert_cmpint(qcow2_read(s, 4096, d, 512), ==, 0);
    qcow2_close(s);
    event_bus_unsubscribe(sub);
    g_ptr_array_free(corrupted, TRUE);
    g_byte_array_free(f.b, TRUE);
}

/* Overlap check work of one in-place 4 KiB write. */
static uint64_t write_cost(Qcow2State *s, MemFile *f, unsigned *reads)
{
    uint8_t d[4096] = { 7 };
    uint64_t w0 = qcow2_overlap_map_work(s->overlap);
    unsigned r0 = f->reads;

    g_assert_cmpint(qcow2_write(s, 0, d, sizeof(d)), ==, 0);
    *reads = f->reads - r0;
    return qcow2_overlap_map_work(s->overlap) - w0;
}

static void test_check_cost_all(void)
{
    MemFile f;
    Qcow2State *s = mem_create(&f, 1ull << 30, 512, 16, QCOW2_OL_ALL);
    g_autofree uint8_t *d = g_malloc0(1 << 20);
    unsigned reads;
    uint64_t first, last = 0;

    g_assert_cmpint(qcow2_write(s, 0, d, 4096), ==, 0);
    first = write_cost(s, &f, &reads);
    /* Grow: 64 MiB more data means ~4000 more L2 tables, plus a
     * snapshot so every table also exists as an inactive L2. */
    for (uint64_t off = 1 << 20; off < (65 << 20); off += 1 << 20) {
        g_assert_cmpint(qcow2_write(s, off, d, 1 << 20), ==, 0);
    }
    g_assert_cmpint(qcow2_snapshot_create(s, NULL, "s", 0, 0, 0,
                                          &error_abort), ==, 0);
    g_assert_cmpint(qcow2_write(s, 0, d, 4096), ==, 0);  /* COW once */
    for (int i = 0; i < 8; i++) {
        last = MAX(last, write_cost(s, &f, &reads));
        g_assert_cmpuint(reads, ==, 0);   /* no table I/O for checks */
    }
    g_test_message("overlap-check=all work per write: %llu with 1 table, "
                   "%llu with %u+ tables", (unsigned long long)first,
                   (unsigned long long)last, 2 * 4000);
    g_assert_cmpuint(last, <=, first + 8);
    g_assert_cmpuint(last, <=, 24);
    qcow2_close(s);
    g_byte_array_free(f.b, TRUE);
}

/* Garbage in L1/L2/refcount entries: errors, never a crash or hang. */
static void test_hostile_tables(void)
{
    GRand *r = g_rand_new_with_seed(99);

    for (int iter = 0; iter < 60; iter++) {
        MemFile f;
        Qcow2State *s = mem_create(&f, 4 << 20, 4096, 16, QCOW2_OL_ALL);
        uint8_t d[8192];
        Qcow2CheckResult res;
        memset(d, iter, sizeof(d));
        g_assert_cmpint(qcow2_write(s, 0, d, sizeof(d)), ==, 0);
        g_assert_cmpint(qcow2_write(s, 1 << 20, d, sizeof(d)), ==, 0);
        qcow2_close(s);
        for (int k = 0; k < 6; k++) {
            size_t pos = g_rand_int_range(r, 72, (gint32)f.b->len);
            f.b->data[pos] = (uint8_t)g_rand_int(r);
        }
        s = mem_reopen(&f, false, NULL);
        if (s) {
            qcow2_read(s, 0, d, sizeof(d));
            qcow2_write(s, 4096, d, sizeof(d));
            qcow2_write(s, 2 << 20, d, 100);
            qcow2_discard(s, 0, 1 << 20);
            qcow2_check(s, &res, 0);
            qcow2_close(s);
        }
        g_byte_array_free(f.b, TRUE);
    }
    g_rand_free(r);
}

/* Threads writing interleaved 4 KiB blocks of the same clusters: the
 * allocating writes run without the lock, and each must wait for the
 * others on its clusters, so no write is lost and no cluster leaks. */
typedef struct Writer {
    Qcow2State *s;
    int id, nthreads, rounds;
} Writer;

#define MT_BLOCKS 512

static gpointer mt_writer(gpointer opaque)
{
    Writer *w = opaque;
    int n = MT_BLOCKS / w->nthreads;
    g_autofree int *order = g_new(int, n);
    GRand *r = g_rand_new_with_seed(w->id);
    uint8_t d[4096];

    /* Each block once, in random order: every write allocates or lands
     * in a cluster another thread is allocating right now. */
    for (int k = 0; k < n; k++) {
        order[k] = k * w->nthreads + w->id;
    }
    for (int k = n - 1; k > 0; k--) {
        int j = g_rand_int_range(r, 0, k + 1), t = order[k];
        order[k] = order[j];
        order[j] = t;
    }
    for (int k = 0; k < n; k++) {
        memset(d, (uint8_t)(order[k] * 7 + 1), sizeof(d));
        g_assert_cmpint(qcow2_write(w->s, (uint64_t)order[k] * 4096, d,
                                    sizeof(d)), ==, 0);
    }
    g_rand_free(r);
    return NULL;
}

static void test_concurrent_writes(void)
{
    for (int pass = 0; pass < 2; pass++) {
        MemFile f;
        Qcow2State *s = mem_create(&f, 4 << 20, pass ? 4096 : 65536, 16,
                                   QCOW2_OL_ALL);
        Writer w[8];
        GThread *t[8];
        uint8_t d[4096];
        f.delay_us = 50;
        for (int i = 0; i < 8; i++) {
            w[i] = (Writer) { s, i, 8, 3 };
            t[i] = g_thread_new("writer", mt_writer, &w[i]);
        }
        for (int i = 0; i < 8; i++) {
            g_thread_join(t[i]);
        }
        for (int b = 0; b < MT_BLOCKS; b++) {
            g_assert_cmpint(qcow2_read(s, (uint64_t)b * 4096, d, sizeof(d)),
                            ==, 0);
            g_assert_cmpuint(d[0], ==, (uint8_t)(b * 7 + 1));
            g_assert_cmpuint(d[4095], ==, (uint8_t)(b * 7 + 1));
        }
        g_assert_cmpint(qcow2_flush(s), ==, 0);
        assert_clean(s);
        qcow2_close(s);
        g_byte_array_free(f.b, TRUE);
    }
}

/* Host reads needed to read the whole image once. */
static unsigned reads_of_full_read(MemFile *f, Qcow2State *s, uint64_t size)
{
    g_autofree uint8_t *buf = g_malloc(size);
    unsigned before = f->reads;

    g_assert_cmpint(qcow2_read(s, 0, buf, size), ==, 0);
    return f->reads - before;
}

/*
 * cache-clean-interval's work: an entry survives one cleaning after its
 * last use and is dropped by the next one (it must then be read again);
 * an entry used in between survives.
 */
static void test_cache_clean(void)
{
    const uint64_t size = 1 << 20;
    g_autofree uint8_t *buf = g_malloc(size);
    MemFile f;
    Qcow2State *s = mem_create(&f, size, 512, 16, QCOW2_OL_CACHED);

    memset(buf, 0x5a, size);
    g_assert_cmpint(qcow2_write(s, 0, buf, size), ==, 0);
    g_assert_cmpint(qcow2_flush(s), ==, 0);
    unsigned warm = reads_of_full_read(&f, s, size);
    g_assert_cmpuint(reads_of_full_read(&f, s, size), ==, warm);
    qcow2_clean_caches(s);
    g_assert_cmpuint(reads_of_full_read(&f, s, size), ==, warm);
    qcow2_clean_caches(s);
    qcow2_clean_caches(s);
    /* 1 MiB of 512-byte clusters: 32 L2 tables to read again */
    g_assert_cmpuint(reads_of_full_read(&f, s, size), >=, warm + 32);
    g_assert_cmpuint(reads_of_full_read(&f, s, size), ==, warm);
    qcow2_close(s);
    g_byte_array_free(f.b, TRUE);
}

/*
 * The file as a crash (SIGKILL, or power loss after the last flush) right
 * after this write would leave it: it must open, and qemu-img check's
 * rules must find no corruption (leaked clusters are allowed).
 */
static void crash_point(MemFile *f)
{
    MemFile g = { 0 };
    Qcow2CheckResult r;
    Qcow2State *s;

    g_mutex_lock(&mem_lock);
    g.b = g_byte_array_sized_new(f->b->len);
    g_byte_array_append(g.b, f->b->data, f->b->len);
    g_mutex_unlock(&mem_lock);
    f->crash_points++;
    s = mem_reopen(&g, true, &error_abort);
    /* Leaks are expected: their lines go to /dev/null; a corruption is
     * checked again with stderr back, to say what it is. */
    int saved = dup(2), null = open("/dev/null", O_WRONLY);
    dup2(null, 2);
    int ret = qcow2_check(s, &r, 0);
    dup2(saved, 2);
    close(saved);
    close(null);
    g_assert_cmpint(ret, ==, 0);
    if (r.corruptions || r.check_errors) {
        qcow2_check(s, &r, 0);
        g_test_message("crash after write %u: %d corruptions", f->writes,
                       r.corruptions);
        g_assert_not_reached();
    }
    qcow2_close(s);
    g_byte_array_free(g.b, TRUE);
}

/*
 * A run of clusters that crosses into a range without a refcount block:
 * the new block goes into a free cluster outside the run (a hole left by
 * a discard), so its own refcount lives in another block, which must be
 * on disk before the refcount table points at the new block.
 */
static void test_crash_refblock_outside(void)
{
    const uint64_t cs = 4096, rb_entries = cs * 8 / 16;
    uint8_t d[65536];
    MemFile f;
    Qcow2State *s = mem_create(&f, 64 << 20, cs, 16, QCOW2_OL_ALL);
    uint64_t gend = 0;

    memset(d, 0x5a, sizeof(d));
    while ((uint64_t)mem_len(&f) < (rb_entries - 40) * cs) {
        g_assert_cmpint(qcow2_write(s, gend, d, sizeof(d)), ==, 0);
        gend += sizeof(d);
    }
    g_assert_cmpint(qcow2_discard(s, cs, cs), ==, 0);
    g_assert_cmpint(qcow2_flush(s), ==, 0);
    f.crash_check = true;
    /* 48 clusters, in the last L2 table already there (2 MiB each). */
    g_assert_cmpuint((gend >> 21), ==, (gend + 48 * cs - 1) >> 21);
    for (unsigned k = 0; k < 3; k++) {
        g_assert_cmpint(qcow2_write(s, gend + k * 16 * cs, d, 16 * cs), ==,
                        0);
    }
    g_assert_cmpint(qcow2_flush(s), ==, 0);
    f.crash_check = false;
    /* The scenario happened: block 1 sits below the range it describes. */
    g_assert_cmpuint(s->reftable_entries, >, 1);
    g_assert_cmpuint(s->reftable[1] & QCOW2_REFT_OFFSET_MASK, !=, 0);
    g_assert_cmpuint(s->reftable[1] & QCOW2_REFT_OFFSET_MASK, <,
                     rb_entries * cs);
    g_assert_cmpuint(f.crash_points, >, 3);
    g_assert_cmpint(qcow2_close(s), ==, 0);
    g_byte_array_free(f.b, TRUE);
}

/*
 * Random writes, zero writes, discards and flushes with small refcount
 * blocks (64 and 512 clusters each: many blocks created, some outside
 * their range), checked as a crash would leave the file after every
 * single write.
 */
static void test_crash_every_write(void)
{
    static const struct { uint32_t cb; uint64_t rbits; } cfg[] = {
        { 9, 64 }, { 12, 64 },
    };
    g_autofree uint8_t *buf = g_malloc(1 << 16);

    for (unsigned c = 0; c < G_N_ELEMENTS(cfg); c++) {
        const uint64_t size = 2 << 20, cs = 1ull << cfg[c].cb;
        GRand *r = g_rand_new_with_seed(cfg[c].cb);
        MemFile f;
        Qcow2State *s = mem_create(&f, size, cs, cfg[c].rbits, QCOW2_OL_ALL);

        f.crash_check = true;
        for (int i = 0; i < 160; i++) {
            uint64_t len = g_rand_int_range(r, 1, 1 << 16);
            uint64_t off = g_rand_int_range(r, 0, (gint32)(size - len));
            int op = g_rand_int_range(r, 0, 10);

            memset(buf, i + 1, len);
            if (op < 6) {
                g_assert_cmpint(qcow2_write(s, off, buf, len), ==, 0);
            } else if (op < 7) {
                g_assert_cmpint(qcow2_write_zeroes(s, off, len, i & 1), ==,
                                0);
            } else if (op < 9) {
                g_assert_cmpint(qcow2_discard(s, off, len), ==, 0);
            } else {
                g_assert_cmpint(qcow2_flush(s), ==, 0);
            }
        }
        g_assert_cmpint(qcow2_close(s), ==, 0);
        g_test_message("cluster %llu: %u crash points",
                       (unsigned long long)cs, f.crash_points);
        g_assert_cmpuint(f.crash_points, >, 100);
        g_byte_array_free(f.b, TRUE);
        g_rand_free(r);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    error_set_progname("test-qcow2-engine");
    g_test_add_func("/block/qcow2/engine/random-io", test_random_io);
    g_test_add_func("/block/qcow2/engine/snapshots", test_snapshots);
    g_test_add_func("/block/qcow2/engine/corruption", test_corruption);
    g_test_add_func("/block/qcow2/engine/check-cost-all",
                    test_check_cost_all);
    g_test_add_func("/block/qcow2/engine/concurrent-writes",
                    test_concurrent_writes);
    g_test_add_func("/block/qcow2/engine/hostile-tables",
                    test_hostile_tables);
    g_test_add_func("/block/qcow2/engine/cache-clean", test_cache_clean);
    g_test_add_func("/block/qcow2/engine/crash-refblock-outside",
                    test_crash_refblock_outside);
    g_test_add_func("/block/qcow2/engine/crash-every-write",
                    test_crash_every_write);
    return g_test_run();
}
