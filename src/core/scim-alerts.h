/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "scim-store.h"

G_BEGIN_DECLS

/* Alerts: what the signed-in user must not miss, computed from the file
 * on demand (never stored), each under a stable key of its kind, object
 * and due moment.  Delivery, read and mail marks and snoozes live in the
 * file (alert_marks), per user: an alert is shown once wherever the user
 * works, and read on one machine is read on every machine. */

typedef enum
{
  SCIM_ALERT_TASK_OVERDUE,      /* a task of mine past due */
  SCIM_ALERT_TASK_DUE_TODAY,    /* a task of mine due later today */
  SCIM_ALERT_EVENT_SOON,        /* a planned sales-book event of mine coming up */
  SCIM_ALERT_EVENT_NEW,         /* someone else's event in a sale I own or manage */
  SCIM_ALERT_TASK_CHANGED,      /* a task of mine set or changed by someone else */
  SCIM_ALERT_MAKE_PLAN,         /* a sale given to me with no plan yet */
  SCIM_ALERT_PRODUCT_NO_SALES,  /* a product I manage with no sales planned */
  SCIM_ALERT_LEADS_WAITING,     /* new leads waiting for acceptance */
  SCIM_ALERT_SALE_IDLE,         /* a sale of mine idle past the limit */
  SCIM_ALERT_SALE_STUCK,        /* a sale of mine past its stage's limit */
  SCIM_ALERT_N_KINDS,
} ScimAlertKind;

#define SCIM_ALERT_ALL_KINDS ((1u << SCIM_ALERT_N_KINDS) - 1)

typedef struct
{
  ScimAlertKind kind;
  char         *key;            /* kind:object:moment, stable */
  char         *title;          /* translated, what to do or what happened */
  char         *body;           /* translated: the sale, the client, when */
  gint64        at;             /* its moment: due, planned, written, since */
  gint64        sale_id;
  gint64        task_id;
  gint64        event_id;
  gint64        product_id;
  gint64        delivered_at;   /* 0: never shown */
  gint64        read_at;        /* 0: unread */
  gint64        mailed_at;      /* 0: never mailed */
  gint64        snoozed_until;  /* 0: not snoozed */
} ScimAlert;

typedef struct
{
  gint64 now;                   /* UTC seconds; 0: the current time */
  guint  event_lead_minutes;    /* how early a planned event alerts; 0: 15 */
  guint  idle_days;             /* 0: SCIM_DEFAULT_IDLE_DAYS */
  guint  kinds;                 /* bits of ScimAlertKind; 0: all */
} ScimAlertOptions;

typedef enum
{
  SCIM_ALERT_MARK_DELIVERED,
  SCIM_ALERT_MARK_READ,
  SCIM_ALERT_MARK_MAILED,
} ScimAlertMark;

void        scim_alert_free              (ScimAlert          *alert);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScimAlert, scim_alert_free)

const char *scim_alert_kind_to_string    (ScimAlertKind       kind);
gboolean    scim_alert_kind_from_string  (const char         *text,
                                          ScimAlertKind      *kind);
const char *scim_alert_kind_get_label    (ScimAlertKind       kind);

/* Whether it should be shown now: never delivered, or back from a snooze. */
gboolean    scim_alert_needs_delivery    (const ScimAlert    *alert);

/* Every alert of the signed-in user, most urgent kind first, newest first
 * within a kind; snoozed ones until their time is up. */
GPtrArray  *scim_store_list_alerts       (ScimStore          *store,
                                          const ScimAlertOptions *options,
                                          GError            **error);
gboolean    scim_store_mark_alerts       (ScimStore          *store,
                                          const char * const *keys,
                                          ScimAlertMark       mark,
                                          GError            **error);
gboolean    scim_store_snooze_alert      (ScimStore          *store,
                                          const char         *key,
                                          gint64              until,
                                          GError            **error);

/* Once per user across every machine on the file: the daily digest. */
gboolean    scim_store_claim_alert       (ScimStore          *store,
                                          const char         *key,
                                          gboolean           *claimed,
                                          GError            **error);
gboolean    scim_store_release_alert     (ScimStore          *store,
                                          const char         *key,
                                          GError            **error);

/* One line for many alerts at once: "7 tasks overdue", "12 new alerts". */
char       *scim_alerts_summarize        (GPtrArray          *alerts);

/* A mail of alerts: the subject and the text, grouped by kind. */
char       *scim_alerts_compose_mail     (GPtrArray          *alerts,
                                          gboolean            digest,
                                          char              **subject);

/* Whether @now falls in the quiet hours from @start_minute to
 * @end_minute of the local day (across midnight when end < start; none
 * when equal). */
gboolean    scim_alerts_quiet            (gint64              now,
                                          guint               start_minute,
                                          guint               end_minute);

G_END_DECLS
