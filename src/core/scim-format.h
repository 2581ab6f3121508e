/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char       *scim_format_time      (gint64      unix_time,
                                    const char *format);
char       *scim_format_date      (gint64      unix_time);
char       *scim_format_date_time (gint64      unix_time);
GTimeZone  *scim_local_zone       (void);
char       *scim_format_money     (gint64      minor_units);
char       *scim_format_amount    (gint64      minor_units);
char       *scim_format_money_exact (gint64    minor_units);
const char *scim_format_state     (const char *state);
const char *scim_format_kind      (const char *kind);
const char *scim_format_event_kind (const char *kind);

/* Text as search and matching compare it: lower case in every script,
 * "ё" as "е", blanks trimmed and runs of them as one space. */
char       *scim_fold             (const char *text);
/* A person's name as matching compares it: folded words in sorted order,
 * so that "Иванова Анна" and "анна  иванова" are one key. */
char       *scim_fold_name        (const char *text);
/* The keys by which leads with the same phone or e-mail meet. */
char       *scim_lead_phone_key   (const char *phones);
char       *scim_lead_email_key   (const char *emails);

G_END_DECLS
