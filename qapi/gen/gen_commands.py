# SPDX-License-Identifier: GPL-2.0-or-later
#
# Generates qapi-commands.[ch] (the prototypes of the qmp_<command>()
# handlers other areas write, the marshallers that convert arguments and
# results, and the command table) and qapi-events.[ch] (one sender per
# event, which builds the QMP "data" object and raises it on the event
# bus).
#
# Handler convention: arguments in schema order, an optional member x
# as "bool has_x, <type> x", strings as "const char *", complex types as
# pointers the handler must not keep; "boxed" commands take the whole
# argument object; then "Error **errp".  The return value is what
# 'returns' names (a pointer the marshaller frees), or void.

from schema import Builtin
from gen_types import HEAD, ctype, out_expr


def params(args, boxed):
    if args is None:
        return []
    if boxed:
        return ['%s *arg' % args.c]
    out = []
    for m in args.all_members():
        if m.optional:
            out.append('bool has_%s' % m.c)
        decl = ctype(m.type, const=True)
        sep = '' if decl.endswith('*') else ' '
        out.append('%s%s%s' % (decl, sep, m.c))
    return out


def call_args(args, boxed, var):
    if args is None:
        return []
    if boxed:
        return ['&' + var]
    out = []
    for m in args.all_members():
        if m.optional:
            out.append('%s.has_%s' % (var, m.c))
        out.append('%s.%s' % (var, m.c))
    return out


def ret_ctype(cmd):
    if cmd.ret is None:
        return 'void'
    return ctype(cmd.ret)


def proto(cmd):
    p = params(cmd.args, cmd.boxed) + ['Error **errp']
    rt = ret_ctype(cmd)
    sep = '' if rt.endswith('*') else ' '
    return '%s%sqmp_%s(%s)' % (rt, sep, cmd.c, ', '.join(p))


def gen_marshal(cmd):
    s = ('void qmp_marshal_%s(struct json_object *args, '
         'struct json_object **ret, Error **errp)\n{\n' % cmd.c)
    s += '    Error *err = NULL;\n'
    if cmd.args is not None:
        s += '    %s arg = { 0 };\n' % cmd.args.c
    s += '    GPtrArray *known = g_ptr_array_new();\n'
    s += '    bool ok = true;\n'
    if cmd.ret is not None:
        s += '    %s%sretval;\n' % (ret_ctype(cmd),
                                    '' if ret_ctype(cmd).endswith('*')
                                    else ' ')
    s += '\n'
    if cmd.args is not None:
        s += ('    ok = qapi_in_%s_members(args, NULL, &arg, known, errp);\n'
              % cmd.args.c)
    s += '    ok = ok && qapi_check_unexpected(args, NULL, known, errp);\n'
    s += '    g_ptr_array_free(known, true);\n'
    s += '    if (ok) {\n'
    call = 'qmp_%s(%s)' % (cmd.c, ', '.join(
        call_args(cmd.args, cmd.boxed, 'arg') + ['&err']))
    if cmd.ret is not None:
        s += '        retval = %s;\n' % call
        s += '        if (!err) {\n'
        s += '            *ret = %s;\n' % out_expr(cmd.ret, 'retval')
        free = free_ret(cmd.ret)
        if free:
            s += '            %s\n' % free
        s += '        }\n'
    else:
        s += '        %s;\n' % call
        s += '        if (!err) {\n'
        s += '            *ret = json_object_new_object();\n        }\n'
    s += '        error_propagate(errp, err);\n    }\n'
    if cmd.args is not None:
        s += '    qapi_free_%s_members(&arg);\n' % cmd.args.c
    s += '}\n\n'
    return s


def free_ret(t):
    if isinstance(t, Builtin):
        if t.name == 'str':
            return 'g_free(retval);'
        if t.name == 'any':
            return 'json_object_put(retval);'
        return ''
    return 'qapi_free_%s(retval);' % t.c


def gen_commands(schema, prefix):
    h = HEAD + '#ifndef QAPI_COMMANDS_H\n#define QAPI_COMMANDS_H\n\n'
    h += '#include "%svisit.h"\n#include "qapi/qmp-registry.h"\n\n' % prefix
    for cmd in schema.commands:
        if cmd.gen:
            h += proto(cmd) + ';\n'
        h += ('void qmp_marshal_%s(struct json_object *args, '
              'struct json_object **ret, Error **errp);\n' % cmd.c)
    h += '\n/* Every command, in schema order. */\n'
    h += 'extern const QmpCommand qmp_command_table[];\n'
    h += 'extern const size_t qmp_command_table_len;\n\n#endif\n'
    c = HEAD + '#include "%scommands.h"\n\n' % prefix
    c += 'const QmpCommand qmp_command_table[] = {\n'
    for cmd in schema.commands:
        flags = ['0']
        if cmd.preconfig:
            flags = ['QMP_CMD_ALLOW_PRECONFIG']
        c += '    { "%s", qmp_marshal_%s, %s },\n' % (
            cmd.name, cmd.c, ' | '.join(flags))
    c += '};\n\n'
    c += ('const size_t qmp_command_table_len = '
          'sizeof(qmp_command_table) / sizeof(qmp_command_table[0]);\n')
    return h, c


def gen_command_modules(schema, prefix):
    """One file of marshallers per schema module, so that a program (or
    a unit test) that uses one module's marshallers links only that
    module's handlers.  Returns {module: text}."""
    out = {}
    for mod in schema.module_names():
        c = HEAD + '#include "%scommands.h"\n\n' % prefix
        for cmd in schema.commands:
            if cmd.gen and cmd.module == mod:
                c += gen_marshal(cmd)
        out[mod] = c
    return out


def gen_events(schema, prefix):
    h = HEAD + '#ifndef QAPI_EVENTS_H\n#define QAPI_EVENTS_H\n\n'
    h += '#include "%svisit.h"\n\n' % prefix
    c = HEAD + '#include "%sevents.h"\n\n#include "util/event-bus.h"\n\n' \
        % prefix
    for ev in schema.events:
        p = params(ev.args, ev.boxed) or ['void']
        pr = 'void qapi_event_send_%s(%s)' % (ev.c.lower(), ', '.join(p))
        h += '/** Raise %s on the event bus (any thread). */\n' % ev.name
        h += pr + ';\n'
        c += pr + '\n{\n'
        if ev.args is None:
            c += '    event_bus_emit("%s", NULL);\n}\n\n' % ev.name
            continue
        c += '    struct json_object *data = json_object_new_object();\n'
        if ev.boxed:
            c += '    qapi_out_%s_members(data, arg);\n' % ev.args.c
        else:
            for m in ev.args.all_members():
                ind = '    '
                if m.optional:
                    c += '    if (has_%s) {\n' % m.c
                    ind = '        '
                c += '%sjson_object_object_add(data, "%s", %s);\n' % (
                    ind, m.name, out_expr(m.type, m.c))
                if m.optional:
                    c += '    }\n'
        c += '    event_bus_emit("%s", data);\n}\n\n' % ev.name
    h += '\n/* Every event name, in schema order, NULL-terminated. */\n'
    h += 'extern const char *const qapi_event_names[];\n'
    c += 'const char *const qapi_event_names[] = {\n'
    for ev in schema.events:
        c += '    "%s",\n' % ev.name
    c += '    NULL,\n};\n'
    h += '\n#endif\n'
    return h, c
