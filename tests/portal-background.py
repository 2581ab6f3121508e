#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A stand-in for xdg-desktop-portal's Background interface, on the test's
private session bus: RequestBackground answers through a Request object's
Response signal, as the real portal does after asking the user.  Each call's
options are appended to RECORD as a JSON line; while the file DENY exists
beside RECORD, autostart is refused (as when the user says no)."""

import json
import os
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

BUS = 'org.freedesktop.portal.Desktop'
PATH = '/org/freedesktop/portal/desktop'


class Request(dbus.service.Object):
    @dbus.service.signal('org.freedesktop.portal.Request', signature='ua{sv}')
    def Response(self, response, results):
        pass


class Portal(dbus.service.Object):
    def __init__(self, bus, record):
        super().__init__(bus, PATH)
        self.bus = bus
        self.record = record
        self.requests = []

    @dbus.service.method('org.freedesktop.portal.Background', in_signature='sa{sv}',
                         out_signature='o', sender_keyword='sender')
    def RequestBackground(self, parent, options, sender=None):
        plain = {str(k): (list(map(str, v)) if isinstance(v, dbus.Array) else
                          bool(v) if isinstance(v, dbus.Boolean) else str(v))
                 for k, v in options.items()}
        with open(self.record, 'a', encoding='utf-8') as out:
            out.write(json.dumps(plain, ensure_ascii=False) + '\n')
        token = str(options.get('handle_token', 'request'))
        handle = '%s/request/%s/%s' % (PATH, sender[1:].replace('.', '_'), token)
        request = Request(self.bus, handle)
        self.requests.append(request)
        denied = os.path.exists(os.path.join(os.path.dirname(self.record), 'DENY'))
        granted = bool(options.get('autostart', False)) and not denied
        results = dbus.Dictionary({'background': dbus.Boolean(True),
                                   'autostart': dbus.Boolean(granted)}, signature='sv')
        GLib.idle_add(lambda: request.Response(dbus.UInt32(0), results) and False)
        return dbus.ObjectPath(handle)

    @dbus.service.method('org.freedesktop.DBus.Properties', in_signature='ss', out_signature='v')
    def Get(self, interface, name):
        return dbus.UInt32(1)


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    portal = Portal(bus, sys.argv[1])
    name = dbus.service.BusName(BUS, bus, do_not_queue=True)
    GLib.MainLoop().run()
    del name, portal


if __name__ == '__main__':
    main()
