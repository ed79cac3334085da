/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the code qapi/gen generates: the block-core marshallers run
 * against fake handlers defined here (so the real block layer is not
 * linked), checking QEMU's argument errors, the uint64 two's-complement
 * rule, optional members, boxed flat unions with alternates, result
 * conversion, event senders on the event bus, and the introspection data.
 */
#include <string.h>
#include <glib.h>

#include "qapi/qapi-commands.h"
#include "qapi/qapi-events.h"
#include "qapi/qapi-introspect.h"
#include "qapi/qjson.h"
#include "util/event-bus.h"

/* ---- fake handlers for the block-core module ---- */

static struct {
    int calls;
    char *node;
    bool has_threshold;
    uint64_t threshold;
    bool has_pcm;
    uint64_t pcm;
    char *blockdev_json;
} seen;

void qmp_block_set_write_threshold(const char *node_name,
                                   bool has_write_threshold,
                                   uint64_t write_threshold,
                                   bool has_write_threshold_percent,
                                   uint64_t write_threshold_percent,
                                   Error **errp)
{
    seen.calls++;
    g_free(seen.node);
    seen.node = g_strdup(node_name);
    seen.has_threshold = has_write_threshold;
    seen.threshold = write_threshold;
    seen.has_pcm = has_write_threshold_percent;
    seen.pcm = write_threshold_percent;
    if (!strcmp(node_name, "nosuch")) {
        error_setg(errp, "Device '%s' not found", node_name);
    }
}

BlockInfoList *qmp_query_block(Error **errp)
{
    BlockInfoList *list = g_new0(BlockInfoList, 1);
    BlockInfo *info = g_new0(BlockInfo, 1);

    info->device = g_strdup("disk0");
    info->type = g_strdup("unknown");
    info->has_io_status = true;
    info->io_status = QAPI_BLOCK_DEVICE_IO_STATUS_NOSPACE;
    list->value = info;
    seen.calls++;
    return list;
}

BlockStatsList *qmp_query_blockstats(bool has_query_nodes, bool query_nodes,
                                     Error **errp)
{
    seen.calls++;
    return NULL;
}

BlockDeviceInfoList *qmp_query_named_block_nodes(bool has_flat, bool flat,
                                                 Error **errp)
{
    seen.calls++;
    return NULL;
}

void qmp_block_resize(bool has_device, const char *device,
                      bool has_node_name, const char *node_name,
                      int64_t size, Error **errp)
{
    seen.calls++;
}

void qmp_blockdev_add(BlockdevOptions *arg, Error **errp)
{
    struct json_object *back = qapi_out_BlockdevOptions(arg);

    seen.calls++;
    g_free(seen.blockdev_json);
    seen.blockdev_json = qjson_to_string(back, false);
    json_object_put(back);
}

void qmp_blockdev_del(const char *node_name, Error **errp)
{
    seen.calls++;
}

/* ---- helpers ---- */

/* Runs @fn on @args_text; returns "OK:<result>" or "ERR:<desc>". */
static char *run(QmpMarshalFn *fn, const char *args_text)
{
    struct json_object *args = NULL;
    struct json_object *ret = NULL;
    Error *err = NULL;
    char *out;

    g_assert_true(qjson_parse(args_text, &args, NULL));
    fn(args, &ret, &err);
    json_object_put(args);
    if (err) {
        g_assert_null(ret);
        out = g_strdup_printf("ERR:%s", error_get_pretty(err));
        g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_GENERIC_ERROR);
        error_free(err);
    } else {
        g_autofree char *text = qjson_to_string(ret, false);

        out = g_strdup_printf("OK:%s", text);
        json_object_put(ret);
    }
    return out;
}

static void check(QmpMarshalFn *fn, const char *args, const char *want)
{
    g_autofree char *got = run(fn, args);

    g_assert_cmpstr(got, ==, want);
}

/* ---- tests ---- */

static void test_threshold_args(void)
{
    QmpMarshalFn *fn = qmp_marshal_block_set_write_threshold;

    seen.calls = 0;
    check(fn, "{'node-name': 'n', 'write-threshold': 1048576}", "OK:{}");
    g_assert_cmpint(seen.calls, ==, 1);
    g_assert_cmpstr(seen.node, ==, "n");
    g_assert_true(seen.has_threshold);
    g_assert_cmpuint(seen.threshold, ==, 1048576);
    g_assert_false(seen.has_pcm);

    /* uint64: negative numbers wrap, as in QEMU; big ones are fine. */
    check(fn, "{'node-name': 'n', 'write-threshold': -1}", "OK:{}");
    g_assert_cmpuint(seen.threshold, ==, UINT64_MAX);
    check(fn, "{'node-name': 'n', 'write-threshold': 18446744073709551615}",
          "OK:{}");
    g_assert_cmpuint(seen.threshold, ==, UINT64_MAX);

    check(fn, "{'node-name': 'n', 'write-threshold-percent': 80000}", "OK:{}");
    g_assert_true(seen.has_pcm);
    g_assert_cmpuint(seen.pcm, ==, 80000);
    g_assert_false(seen.has_threshold);
    g_assert_cmpint(seen.calls, ==, 4);

    /* Argument errors come before the handler runs. */
    check(fn, "{'write-threshold': 1}", "ERR:Parameter 'node-name' is missing");
    check(fn, "{'node-name': 'n', 'write-threshold': 'big'}",
          "ERR:Parameter 'write-threshold' expects uint64");
    check(fn, "{'node-name': 'n', 'write-threshold': 1.5}",
          "ERR:Parameter 'write-threshold' expects uint64");
    check(fn, "{'node-name': 'n', 'write-threshold': 18446744073709551616}",
          "ERR:Parameter 'write-threshold' expects uint64");
    check(fn, "{'node-name': 7, 'write-threshold': 1}",
          "ERR:Invalid parameter type for 'node-name', expected: string");
    check(fn, "{'node-name': 'n', 'write-threshold': 1, 'extra': 2}",
          "ERR:Parameter 'extra' is unexpected");
    check(fn, "{'node-name': 'n', 'write-threshold-percent': 'x'}",
          "ERR:Parameter 'write-threshold-percent' expects uint64");
    g_assert_cmpint(seen.calls, ==, 4);

    /* Handler errors pass through unchanged. */
    check(fn, "{'node-name': 'nosuch', 'write-threshold': 1}",
          "ERR:Device 'nosuch' not found");
}

static void test_no_args_and_results(void)
{
    check(qmp_marshal_query_block, "{}",
          "OK:[{\"device\": \"disk0\", \"type\": \"unknown\", "
          "\"removable\": false, \"locked\": false, "
          "\"io-status\": \"nospace\"}]");
    check(qmp_marshal_query_block, "{'x': 1}",
          "ERR:Parameter 'x' is unexpected");
    check(qmp_marshal_query_blockstats, "{'query-nodes': true}", "OK:[]");
    check(qmp_marshal_query_blockstats, "{'query-nodes': 1}",
          "ERR:Invalid parameter type for 'query-nodes', expected: boolean");
    check(qmp_marshal_block_resize, "{'node-name': 'n', 'size': 9223372036854775808}",
          "ERR:Invalid parameter type for 'size', expected: integer");
}

static void test_blockdev_add(void)
{
    QmpMarshalFn *fn = qmp_marshal_blockdev_add;

    check(fn, "{'driver': 'qcow2', 'node-name': 'fmt0', "
              "'file': {'driver': 'file', 'filename': '/tmp/a'}, "
              "'overlap-check': 'all', 'backing': null}", "OK:{}");
    g_assert_cmpstr(seen.blockdev_json, ==,
                    "{\"driver\": \"qcow2\", \"node-name\": \"fmt0\", "
                    "\"file\": {\"driver\": \"file\", \"filename\": \"/tmp/a\"}, "
                    "\"backing\": null, \"overlap-check\": \"all\"}");
    check(fn, "{'driver': 'raw', 'file': 'prot0', "
              "'overlap-check': {'template': 'none'}}",
          "ERR:Parameter 'overlap-check' is unexpected");
    check(fn, "{'driver': 'qcow2', 'file': 'p', "
              "'overlap-check': {'template': 'none', 'active-l2': 'yes'}}",
          "ERR:Invalid parameter type for 'overlap-check.active-l2', "
          "expected: boolean");
    check(fn, "{'driver': 'qcow2', 'file': 'p', 'overlap-check': 'most'}",
          "ERR:Parameter 'overlap-check' does not accept value 'most'");
    check(fn, "{'driver': 'vmdk', 'file': 'p'}",
          "ERR:Parameter 'driver' does not accept value 'vmdk'");
    check(fn, "{'file': 'p'}", "ERR:Parameter 'driver' is missing");
    check(fn, "{'driver': 'qcow2', 'file': 42}",
          "ERR:Invalid parameter type for 'file', expected: BlockdevRef");
    check(fn, "{'driver': 'qcow2', 'file': {'driver': 'file'}}",
          "ERR:Parameter 'file.filename' is missing");
    check(fn, "{'driver': 'blkdebug', 'image': 'p', "
              "'inject-error': [{'event': 'write_aio'}, {'event': 'x'}]}",
          "ERR:Parameter 'inject-error[1].event' does not accept value 'x'");
    check(fn, "{'driver': 'qcow2', 'file': 'p', "
              "'overlap-check-memory-limit': true}",
          "ERR:Parameter 'overlap-check-memory-limit' expects uint64");
    check(fn, "{'driver': 'null-co', 'node-name': 'n', 'size': 1.0}",
          "ERR:Invalid parameter type for 'size', expected: integer");
    check(fn, "{'driver': 'null-co', 'node-name': 7}",
          "ERR:Invalid parameter type for 'node-name', expected: string");
}

/* The fixed-width visitors, which no block-core member uses. */
static void test_fixed_width(void)
{
    struct json_object *v = json_object_new_int64(-1);
    struct json_object *big = json_object_new_int64(70000);
    Error *err = NULL;
    uint32_t u32;
    int16_t i16;
    uint8_t u8;

    g_assert_false(qapi_in_uint32(v, "x", &u32, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'x' expects uint32_t");
    error_free(err);
    err = NULL;
    g_assert_false(qapi_in_int16(big, "a.b", &i16, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'a.b' expects int16_t");
    error_free(err);
    err = NULL;
    json_object_put(v);
    v = json_object_new_int(255);
    g_assert_true(qapi_in_uint8(v, NULL, &u8, NULL));
    g_assert_cmpuint(u8, ==, 255);
    json_object_put(v);
    json_object_put(big);
}

static void event_sink(const BusEvent *ev, void *opaque)
{
    GPtrArray *got = opaque;
    struct json_object *obj = event_bus_to_json(ev);

    json_object_object_del(obj, "timestamp");
    g_ptr_array_add(got, qjson_to_string(obj, false));
    json_object_put(obj);
}

static void test_events(void)
{
    GPtrArray *got = g_ptr_array_new_with_free_func(g_free);
    unsigned h = event_bus_subscribe(event_sink, got);

    qapi_event_send_block_write_threshold("#block163", 65536, UINT64_MAX);
    qapi_event_send_stop();
    qapi_event_send_block_image_corrupted("", true, "drive", "bad L2",
                                          false, 0, false, 0, false);
    qapi_event_send_shutdown(true, QAPI_SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    event_bus_unsubscribe(h);
    g_assert_cmpuint(got->len, ==, 4);
    g_assert_cmpstr(g_ptr_array_index(got, 0), ==,
                    "{\"event\": \"BLOCK_WRITE_THRESHOLD\", \"data\": "
                    "{\"node-name\": \"#block163\", \"amount-exceeded\": 65536, "
                    "\"write-threshold\": 18446744073709551615}}");
    g_assert_cmpstr(g_ptr_array_index(got, 1), ==, "{\"event\": \"STOP\"}");
    g_assert_cmpstr(g_ptr_array_index(got, 2), ==,
                    "{\"event\": \"BLOCK_IMAGE_CORRUPTED\", \"data\": "
                    "{\"device\": \"\", \"node-name\": \"drive\", "
                    "\"msg\": \"bad L2\", \"fatal\": false}}");
    g_assert_cmpstr(g_ptr_array_index(got, 3), ==,
                    "{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, "
                    "\"reason\": \"guest-shutdown\"}}");
    g_ptr_array_free(got, true);
}

static struct json_object *schema_entity(struct json_object *schema,
                                         const char *name)
{
    for (size_t i = 0; i < json_object_array_length(schema); i++) {
        struct json_object *e = json_object_array_get_idx(schema, i);

        if (!strcmp(json_object_get_string(json_object_object_get(e, "name")),
                    name)) {
            return e;
        }
    }
    return NULL;
}

static const char *const block_core_commands[] = {
    "query-block", "query-blockstats", "query-named-block-nodes",
    "block-set-write-threshold", "block_resize", "blockdev-add",
    "blockdev-del",
};

static void test_introspection(void)
{
    struct json_object *schema = NULL;
    struct json_object *cmd, *args, *members;
    const char *arg_type;
    bool found_uint = false;

    g_assert_true(qjson_parse(qapi_introspect_json, &schema, NULL));
    /* The commands whose marshallers this test links are described. */
    for (size_t i = 0; i < G_N_ELEMENTS(block_core_commands); i++) {
        cmd = schema_entity(schema, block_core_commands[i]);
        g_assert_nonnull(cmd);
        g_assert_cmpstr(json_object_get_string(
                            json_object_object_get(cmd, "meta-type")),
                        ==, "command");
    }
    for (size_t i = 0; i < json_object_array_length(schema); i++) {
        struct json_object *e = json_object_array_get_idx(schema, i);
        const char *mt = json_object_get_string(
            json_object_object_get(e, "meta-type"));
        const char *name = json_object_get_string(
            json_object_object_get(e, "name"));

        if (!strcmp(mt, "object") || !strcmp(mt, "enum")) {
            /* Type names are masked as numbers. */
            g_assert_true(g_ascii_isdigit(name[0]));
        }
        found_uint |= !strcmp(name, "uint64");
    }
    g_assert_false(found_uint);   /* all integer types appear as "int" */

    cmd = schema_entity(schema, "block-set-write-threshold");
    arg_type = json_object_get_string(json_object_object_get(cmd, "arg-type"));
    args = schema_entity(schema, arg_type);
    members = json_object_object_get(args, "members");
    g_assert_cmpuint(json_object_array_length(members), ==, 3);
    g_assert_cmpstr(json_object_get_string(json_object_object_get(
                        json_object_array_get_idx(members, 0), "type")),
                    ==, "str");
    g_assert_false(json_object_object_get_ex(
                       json_object_array_get_idx(members, 0), "default", NULL));
    g_assert_true(json_object_object_get_ex(
                      json_object_array_get_idx(members, 1), "default", NULL));
    g_assert_nonnull(schema_entity(schema, "BLOCK_WRITE_THRESHOLD"));
    json_object_put(schema);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qapi/marshal/threshold-args", test_threshold_args);
    g_test_add_func("/qapi/marshal/no-args-and-results",
                    test_no_args_and_results);
    g_test_add_func("/qapi/marshal/blockdev-add", test_blockdev_add);
    g_test_add_func("/qapi/visit/fixed-width", test_fixed_width);
    g_test_add_func("/qapi/events/senders", test_events);
    g_test_add_func("/qapi/introspect/consistency", test_introspection);
    ret = g_test_run();
    g_free(seen.node);
    g_free(seen.blockdev_json);
    return ret;
}
