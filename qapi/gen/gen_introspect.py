# SPDX-License-Identifier: GPL-2.0-or-later
#
# Generates qapi-introspect.c: the answer to query-qmp-schema, as one JSON
# text in a C string.
#
# Rules (QEMU's, so clients that probe the schema work): list every
# command and event, then every type they reach; command and event names
# are real, type names are replaced by numbers in order of first use
# ("0", "1", ...), except built-in types, which keep their names; all
# integer types appear as "int"; an array's name is "[<element>]"; a
# command without arguments or result refers to an empty object type;
# an optional member carries "default": null; a union lists every value
# of its tag, those without a branch mapped to the empty object.

import json

from schema import Alternate, Array, Builtin, Enum, Object
from gen_types import HEAD


class Introspector:
    def __init__(self, schema):
        self.schema = schema
        self.names = {}
        self.used = []
        self.seen = set()
        self.empty = Object('q_empty', None, [])

    def _int_of(self, t):
        if isinstance(t, Builtin) and t.json_type == 'int':
            return self.schema.types['int']
        return t

    def use(self, t):
        t = self._int_of(t)
        if isinstance(t, Array):
            el = self._int_of(t.element)
            name = '[%s]' % self.use(el)
            key = ('array', name)
            if key not in self.seen:
                self.seen.add(key)
                self.used.append(('array', name, el))
            return name
        if t.name not in self.seen:
            self.seen.add(t.name)
            self.used.append(('type', t.name, t))
        if isinstance(t, Builtin):
            return t.name
        if t.name not in self.names:
            self.names[t.name] = str(len(self.names))
        return self.names[t.name]

    def members(self, members):
        out = []
        for m in members:
            d = {'name': m.name, 'type': self.use(m.type)}
            if m.optional:
                d['default'] = None
            out.append(d)
        return out

    def entity(self, t):
        if isinstance(t, Builtin):
            return {'name': t.name, 'meta-type': 'builtin',
                    'json-type': t.json_type}
        name = self.use(t)
        if isinstance(t, Enum):
            return {'name': name, 'meta-type': 'enum',
                    'members': [{'name': v} for v in t.values],
                    'values': list(t.values)}
        if isinstance(t, Alternate):
            return {'name': name, 'meta-type': 'alternate',
                    'members': [{'type': self.use(m.type)}
                                for m in t.branches]}
        d = {'name': name, 'meta-type': 'object',
             'members': self.members(t.all_members())}
        if t.tag:
            # Every tag value is a case; values without a branch of their
            # own select the empty object, as QEMU lists them.
            branches = {c: v for c, _, v in t.variants}
            d['tag'] = t.tag
            d['variants'] = [{'case': c,
                              'type': self.use(branches.get(c, self.empty))}
                             for c in t.tag_member().type.values]
        return d

    def run(self):
        out = []
        for cmd in self.schema.commands:
            out.append({'name': cmd.name, 'meta-type': 'command',
                        'arg-type': self.use(cmd.args or self.empty),
                        'ret-type': self.use(cmd.ret or self.empty)})
        for ev in self.schema.events:
            out.append({'name': ev.name, 'meta-type': 'event',
                        'arg-type': self.use(ev.args or self.empty)})
        i = 0
        while i < len(self.used):
            kind, name, t = self.used[i]
            i += 1
            if kind == 'array':
                out.append({'name': name, 'meta-type': 'array',
                            'element-type': self.use(t)})
            else:
                out.append(self.entity(t))
        return out


def c_string(text, width=72):
    lines = []
    for i in range(0, len(text), width):
        chunk = text[i:i + width]
        lines.append('    "%s"' % chunk.replace('\\', '\\\\')
                     .replace('"', '\\"'))
    return '\n'.join(lines)


def gen_introspect(schema, prefix):
    data = Introspector(schema).run()
    text = json.dumps(data, separators=(',', ':'), ensure_ascii=True)
    h = HEAD + '#ifndef QAPI_INTROSPECT_H\n#define QAPI_INTROSPECT_H\n\n'
    h += '/* The query-qmp-schema result, as JSON text. */\n'
    h += 'extern const char qapi_introspect_json[];\n\n#endif\n'
    c = HEAD + '#include "%sintrospect.h"\n\n' % prefix
    c += 'const char qapi_introspect_json[] =\n%s;\n' % c_string(text)
    return h, c
