/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char       *scim_format_date      (gint64      unix_time);
char       *scim_format_date_time (gint64      unix_time);
char       *scim_format_money     (gint64      minor_units);
const char *scim_format_state     (const char *state);
const char *scim_format_kind      (const char *kind);
const char *scim_format_event_kind (const char *kind);

G_END_DECLS
