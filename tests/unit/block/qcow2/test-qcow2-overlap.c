/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the qcow2 metadata overlap map (block/qcow2/qcow2-overlap.c):
 * per-type detection with QEMU's priority order and the raw-offset rule
 * for the main header, shared (counted) entries, masks, the cost of a
 * check counted in tree steps (flat as the map grows, in "all" mode), and
 * the memory limit: QCOW2_OVERLAP_CHECK_MEMORY_LIMIT_REACHED once per
 * uncovered window, other windows still protected, coverage restored when
 * memory frees.
 */
#include <string.h>
#include <glib.h>
#include "block/qcow2/qcow2-overlap.h"
#include "util/event-bus.h"

#define CB 16
#define CS (1ull << CB)
#define WIN ((uint64_t)QCOW2_OVERLAP_WINDOW_CLUSTERS * CS)

static void test_types(void)
{
    Qcow2OverlapMap *m = qcow2_overlap_map_new(CB, UINT64_MAX, "drive0");

    qcow2_overlap_add(m, 0, CS, QCOW2_OL_MAIN_HEADER);
    qcow2_overlap_add(m, CS, CS, QCOW2_OL_REFCOUNT_TABLE);
    qcow2_overlap_add(m, 2 * CS, CS, QCOW2_OL_REFCOUNT_BLOCK);
    qcow2_overlap_add(m, 3 * CS, 16, QCOW2_OL_ACTIVE_L1);
    qcow2_overlap_add(m, 4 * CS, CS, QCOW2_OL_ACTIVE_L2);
    qcow2_overlap_add(m, 9 * CS, CS, QCOW2_OL_INACTIVE_L2);

    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_ALL, 100, 1), ==,
                    QCOW2_OL_MAIN_HEADER);
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_ALL, CS + 5, 1), ==,
                    QCOW2_OL_REFCOUNT_TABLE);
    /* The tail of the L1 cluster counts: checks widen to clusters. */
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_ALL, 4 * CS - 1, 1), ==,
                    QCOW2_OL_ACTIVE_L1);
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_ALL, 5 * CS, 4 * CS), ==,
                    -1);
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_CACHED, 9 * CS, 512), ==,
                    -1);
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_ALL, 9 * CS, 512), ==,
                    QCOW2_OL_INACTIVE_L2);
    /* First hit in QEMU's order: L1 before refcount block before L2. */
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_ALL, 2 * CS, 3 * CS),
                    ==, QCOW2_OL_ACTIVE_L1);
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_CACHED &
                                        ~QCOW2_OL_BIT(QCOW2_OL_ACTIVE_L1),
                                        2 * CS, 3 * CS), ==,
                    QCOW2_OL_ACTIVE_L2);
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_NONE, 0, 100 * CS), ==,
                    -1);
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_ALL, 3 * CS, 0), ==, -1);
    g_assert_cmpstr(qcow2_overlap_type_name(QCOW2_OL_REFCOUNT_BLOCK), ==,
                    "refcount block");
    qcow2_overlap_map_free(m);
}

static void test_shared_counts(void)
{
    Qcow2OverlapMap *m = qcow2_overlap_map_new(CB, UINT64_MAX, "x");

    qcow2_overlap_add(m, 7 * CS, CS, QCOW2_OL_INACTIVE_L2);
    qcow2_overlap_add(m, 7 * CS, CS, QCOW2_OL_INACTIVE_L2);
    qcow2_overlap_add(m, 7 * CS, CS, QCOW2_OL_ACTIVE_L2);
    qcow2_overlap_remove(m, 7 * CS, CS, QCOW2_OL_ACTIVE_L2);
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_CACHED, 7 * CS, 1), ==,
                    -1);
    qcow2_overlap_remove(m, 7 * CS, CS, QCOW2_OL_INACTIVE_L2);
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_ALL, 7 * CS, 1), ==,
                    QCOW2_OL_INACTIVE_L2);
    qcow2_overlap_remove(m, 7 * CS, CS, QCOW2_OL_INACTIVE_L2);
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_ALL, 7 * CS, 1), ==, -1);
    /* Removing what is not there changes nothing. */
    qcow2_overlap_remove(m, 1ull << 40, CS, QCOW2_OL_ACTIVE_L2);
    qcow2_overlap_map_free(m);
}

static void test_modes(void)
{
    uint32_t mask;

    g_assert_true(qcow2_overlap_parse_mode("cached", &mask));
    g_assert_cmpuint(mask, ==, QCOW2_OL_CACHED);
    g_assert_true(qcow2_overlap_parse_mode("all", &mask));
    g_assert_true(mask & QCOW2_OL_BIT(QCOW2_OL_INACTIVE_L2));
    g_assert_true(qcow2_overlap_parse_mode("constant", &mask));
    g_assert_false(mask & QCOW2_OL_BIT(QCOW2_OL_ACTIVE_L2));
    g_assert_false(qcow2_overlap_parse_mode("most", &mask));
    g_assert_cmpint(qcow2_overlap_option_type("inactive-l1"), ==,
                    QCOW2_OL_INACTIVE_L1);
    g_assert_cmpint(qcow2_overlap_option_type("nope"), ==, -1);
}

/* Work of one data-write check in "all" mode on a map holding @n
 * metadata clusters spread over the file. */
static uint64_t check_cost(uint64_t n)
{
    Qcow2OverlapMap *m = qcow2_overlap_map_new(CB, UINT64_MAX, "x");
    uint64_t before, worst = 0;

    for (uint64_t i = 0; i < n; i++) {
        qcow2_overlap_add(m, (i * 7 + 3) * CS, CS,
                          i % 2 ? QCOW2_OL_INACTIVE_L2 : QCOW2_OL_ACTIVE_L2);
    }
    for (uint64_t k = 0; k < 64; k++) {
        uint64_t off = ((k * 7919) % (n * 7)) * CS;
        if ((off / CS) % 7 == 3) {
            off += CS;
        }
        if (off < CS) {
            off = 2 * CS;
        }
        before = qcow2_overlap_map_work(m);
        g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_ALL, off, 4096), ==,
                        -1);
        worst = MAX(worst, qcow2_overlap_map_work(m) - before);
    }
    qcow2_overlap_map_free(m);
    return worst;
}

static void test_cost_flat(void)
{
    uint64_t small = check_cost(100);
    uint64_t big = check_cost(200000);

    g_test_message("worst check cost: %llu steps with 100 tables, %llu "
                   "with 200000", (unsigned long long)small,
                   (unsigned long long)big);
    /* One window lookup, a bounded tree descent (windows cap the tree at
     * 4096 clusters), one node visit: no growth with the image. */
    g_assert_cmpuint(big, <=, 20);
    g_assert_cmpuint(big, <=, small + 8);
}

typedef struct EventLog {
    GPtrArray *events;
} EventLog;

static void record(const BusEvent *ev, void *opaque)
{
    EventLog *log = opaque;

    if (!strcmp(ev->name, "QCOW2_OVERLAP_CHECK_MEMORY_LIMIT_REACHED")) {
        g_ptr_array_add(log->events, g_strdup(json_object_to_json_string(
                                                  ev->data)));
    }
}

typedef struct Image {
    uint64_t n;           /* metadata clusters at window w: w*WIN + i*CS */
    unsigned windows;
} Image;

static void refill(Qcow2OverlapMap *m, void *opaque)
{
    Image *img = opaque;

    for (unsigned w = 0; w < img->windows; w++) {
        for (uint64_t i = 0; i < img->n; i++) {
            qcow2_overlap_add(m, w * WIN + (i + 1) * CS, CS,
                              QCOW2_OL_ACTIVE_L2);
        }
    }
}

static void test_memory_limit(void)
{
    EventLog log = { g_ptr_array_new_with_free_func(g_free) };
    unsigned sub = event_bus_subscribe(record, &log);
    Image img = { .n = 100, .windows = 3 };
    Qcow2OverlapMap *m = qcow2_overlap_map_new(CB, UINT64_MAX, "drive0");

    refill(m, &img);
    uint64_t full = qcow2_overlap_map_mem_used(m);
    qcow2_overlap_map_free(m);

    /* Room for about two windows' worth: the third is dropped. */
    m = qcow2_overlap_map_new(CB, full - full / 6, "drive0");
    qcow2_overlap_map_set_refill(m, refill, &img);
    refill(m, &img);
    g_assert_cmpuint(qcow2_overlap_map_uncovered(m), ==, 1);
    g_assert_cmpuint(log.events->len, ==, 1);
    g_assert_nonnull(strstr(g_ptr_array_index(log.events, 0),
                            "\"reference\": \"drive0\""));
    g_autofree char *want = g_strdup_printf("\"start\": %llu, \"length\": "
                                            "%llu", 2 * WIN,
                                            (unsigned long long)WIN);
    g_assert_nonnull(strstr(g_ptr_array_index(log.events, 0), want));
    /* Covered windows are still protected; the dropped one fails open. */
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_ALL, CS, 1), ==,
                    QCOW2_OL_ACTIVE_L2);
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_ALL, WIN + CS, 1), ==,
                    QCOW2_OL_ACTIVE_L2);
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_ALL, 2 * WIN + CS, 1),
                    ==, -1);
    /* More metadata in the dropped window: no second event. */
    qcow2_overlap_add(m, 2 * WIN + 500 * CS, CS, QCOW2_OL_ACTIVE_L2);
    g_assert_cmpuint(log.events->len, ==, 1);
    g_assert_false(qcow2_overlap_map_recover(m));

    /* Memory frees up (window 0 loses its tables): coverage returns. */
    for (uint64_t i = 0; i < 60; i++) {
        qcow2_overlap_remove(m, (i + 1) * CS, CS, QCOW2_OL_ACTIVE_L2);
    }
    g_assert_true(qcow2_overlap_map_recover(m));
    g_assert_cmpuint(qcow2_overlap_map_uncovered(m), ==, 0);
    g_assert_cmpint(qcow2_overlap_check(m, QCOW2_OL_ALL, 2 * WIN + CS, 1),
                    ==, QCOW2_OL_ACTIVE_L2);
    g_assert_cmpuint(log.events->len, ==, 1);
    g_assert_cmpuint(qcow2_overlap_map_mem_used(m), <=, full - full / 6);

    /* A limit of nothing: every window dropped, one event each. */
    Qcow2OverlapMap *z = qcow2_overlap_map_new(CB, 0, "drive0");
    refill(z, &img);
    g_assert_cmpuint(log.events->len, ==, 4);
    g_assert_cmpint(qcow2_overlap_check(z, QCOW2_OL_ALL, CS, 1), ==, -1);
    qcow2_overlap_map_free(z);
    qcow2_overlap_map_free(m);
    event_bus_unsubscribe(sub);
    g_ptr_array_free(log.events, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/block/qcow2/overlap/types", test_types);
    g_test_add_func("/block/qcow2/overlap/shared-counts", test_shared_counts);
    g_test_add_func("/block/qcow2/overlap/modes", test_modes);
    g_test_add_func("/block/qcow2/overlap/cost-flat", test_cost_flat);
    g_test_add_func("/block/qcow2/overlap/memory-limit", test_memory_limit);
    return g_test_run();
}
