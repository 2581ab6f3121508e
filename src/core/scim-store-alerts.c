/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-store-alerts"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scim-alerts.h"
#include "scim-format.h"
#include "scim-query.h"
#include "scim-store-private.h"

/* Alerts are computed, not stored: each kind is one query on an index of
 * the signed-in user's rows (tasks by owner, state and due date; planned
 * events by time; events by creation; open sales by owner; plan requests by
 * user), bounded in count, so that the check every minute reads a few
 * hundred index entries and never a whole table.  Only what happened to
 * an alert is stored: alert_marks (user, key) with delivery, read, mail
 * and snooze times. */

/* At most this many alerts of one kind: more would be noise, and the
 * summary still counts what it shows. */
#define KIND_LIMIT 200
/* Someone else's events and changes older than this are no news. */
#define NEWS_DAYS 7
/* How far back the change log is read for tasks changed by others. */
#define CHANGE_WINDOW 5000

static const struct
{
  const char *id;
  const char *label;
} kinds[SCIM_ALERT_N_KINDS] = {
  [SCIM_ALERT_TASK_OVERDUE] = { "task-overdue", N_("Overdue Tasks") },
  [SCIM_ALERT_TASK_DUE_TODAY] = { "task-due", N_("Due Today") },
  [SCIM_ALERT_EVENT_SOON] = { "event-soon", N_("Coming Up") },
  [SCIM_ALERT_EVENT_NEW] = { "event-new", N_("New in the Sales Book") },
  [SCIM_ALERT_TASK_CHANGED] = { "task-changed", N_("Tasks Changed by Others") },
  [SCIM_ALERT_MAKE_PLAN] = { "make-plan", N_("Make a Plan") },
  [SCIM_ALERT_PRODUCT_NO_SALES] = { "product-no-sales", N_("Products Without Sales") },
  [SCIM_ALERT_LEADS_WAITING] = { "leads-waiting", N_("Leads Waiting") },
  [SCIM_ALERT_SALE_IDLE] = { "sale-idle", N_("Idle Sales") },
  [SCIM_ALERT_SALE_STUCK] = { "sale-stuck", N_("Stuck Sales") },
};

/**
 * scim_alert_free:
 * @alert: (transfer full) (nullable): an alert
 */
void
scim_alert_free (ScimAlert *alert)
{
  if (alert == NULL)
    return;
  g_free (alert->key);
  g_free (alert->title);
  g_free (alert->body);
  g_free (alert);
}

/**
 * scim_alert_kind_to_string:
 * @kind: a kind
 *
 * Returns: (transfer none): its name in keys, scripts and GSettings
 */
const char *
scim_alert_kind_to_string (ScimAlertKind kind)
{
  g_return_val_if_fail (kind < SCIM_ALERT_N_KINDS, "");
  return kinds[kind].id;
}

gboolean
scim_alert_kind_from_string (const char    *text,
                             ScimAlertKind *kind)
{
  for (guint i = 0; text != NULL && i < SCIM_ALERT_N_KINDS; i++)
    if (g_str_equal (text, kinds[i].id))
      {
        *kind = (ScimAlertKind) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * scim_alert_kind_get_label:
 * @kind: a kind
 *
 * Returns: (transfer none): the translated title of its group
 */
const char *
scim_alert_kind_get_label (ScimAlertKind kind)
{
  g_return_val_if_fail (kind < SCIM_ALERT_N_KINDS, "");
  return _(kinds[kind].label);
}

/**
 * scim_alert_needs_delivery:
 * @alert: an alert
 *
 * Returns: whether it is to be shown: never delivered, or delivered before
 *   a snooze that is over now
 */
gboolean
scim_alert_needs_delivery (const ScimAlert *alert)
{
  g_return_val_if_fail (alert != NULL, FALSE);
  if (alert->read_at != 0 && alert->snoozed_until == 0)
    return FALSE;
  if (alert->delivered_at == 0)
    return TRUE;
  return alert->snoozed_until != 0 && alert->delivered_at < alert->snoozed_until;
}

/* Computing */

typedef struct
{
  const ScimAlertOptions *options;
  gint64                  now;
  gint64                  today;
  gint64                  tomorrow;
  gint64                  user_id;
  gboolean                may_accept;
  GPtrArray              *alerts;
} AlertsOp;

static ScimAlert *
add_alert (AlertsOp      *op,
           ScimAlertKind  kind,
           char          *key,
           char          *title,
           char          *body,
           gint64         at)
{
  ScimAlert *alert = g_new0 (ScimAlert, 1);

  alert->kind = kind;
  alert->key = key;
  alert->title = title;
  alert->body = body;
  alert->at = at;
  g_ptr_array_add (op->alerts, alert);
  return alert;
}

static gboolean
wanted (AlertsOp      *op,
        ScimAlertKind  kind)
{
  guint mask = op->options->kinds != 0 ? op->options->kinds : SCIM_ALERT_ALL_KINDS;

  return (mask & (1u << kind)) != 0;
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text != NULL ? text : "";
}

static gint64
column_int (sqlite3_stmt *stmt,
            int           column)
{
  return (gint64) sqlite3_column_int64 (stmt, column);
}

/* "Romashka · Consulting" */
static char *
sale_line (const char *client,
           const char *product)
{
  return g_strdup_printf ("%s · %s", client, product);
}

static char *
due_text (gint64   due_at,
          gboolean has_time)
{
  return has_time ? scim_format_date_time (due_at) : scim_format_date (due_at);
}

#define SALE_JOIN " JOIN sales s ON s.id = t.sale_id JOIN clients c ON c.id = s.client_id " \
                  "JOIN products p ON p.id = s.product_id "

static gboolean
tasks_due (ScimTx    *tx,
           AlertsOp  *op,
           gboolean   overdue,
           GError   **error)
{
  sqlite3_stmt *stmt;
  int rc;

  /* A task for a day is overdue once the day is over; one with a time,
   * once the time has passed. */
  stmt = _scim_store_prepare (tx->store,
                              overdue
                              ? "SELECT t.id, t.title, t.due_at, t.due_has_time, t.sale_id, c.name, p.name FROM tasks t"
                                SALE_JOIN
                                "WHERE t.owner_id = ?1 AND t.state = 'planned' AND t.due_at < ?2 "
                                "AND (t.due_has_time = 1 OR t.due_at < ?3) ORDER BY t.due_at DESC LIMIT ?5"
                              : "SELECT t.id, t.title, t.due_at, t.due_has_time, t.sale_id, c.name, p.name FROM tasks t"
                                SALE_JOIN
                                "WHERE t.owner_id = ?1 AND t.state = 'planned' AND t.due_at >= ?3 AND t.due_at < ?4 "
                                "AND NOT (t.due_has_time = 1 AND t.due_at < ?2) ORDER BY t.due_at LIMIT ?5",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "IIIIi", op->user_id, op->now, op->today, op->tomorrow, KIND_LIMIT);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = column_int (stmt, 0);
      gint64 due = column_int (stmt, 2);
      gboolean has_time = sqlite3_column_int (stmt, 3) != 0;
      g_autofree char *when = due_text (due, has_time);
      g_autofree char *sale = sale_line (column_text (stmt, 5), column_text (stmt, 6));
      ScimAlert *alert;

      alert = add_alert (op, overdue ? SCIM_ALERT_TASK_OVERDUE : SCIM_ALERT_TASK_DUE_TODAY,
                         g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                                          overdue ? "task-overdue" : "task-due", id, due),
                         g_strdup (column_text (stmt, 1)),
                         overdue
                         /* Translators: an overdue task's alert: "Due 03.12.2026 · Romashka · Consulting". */
                         ? g_strdup_printf (_("Was due %s · %s"), when, sale)
                         /* Translators: a task due today: "Due 14:30 · Romashka · Consulting". */
                         : g_strdup_printf (_("Due %s · %s"), when, sale),
                         due);
      alert->task_id = id;
      alert->sale_id = column_int (stmt, 4);
    }
  return rc == SQLITE_DONE;
}

static gboolean
events_soon (ScimTx    *tx,
             AlertsOp  *op,
             GError   **error)
{
  guint minutes = op->options->event_lead_minutes != 0 ? op->options->event_lead_minutes : 15;
  sqlite3_stmt *stmt;
  int rc;

  /* Planned events in the next minutes, in sales of mine or written by me. */
  stmt = _scim_store_prepare (tx->store,
                              "SELECT t.id, t.title, t.at, t.sale_id, c.name, p.name FROM events t" SALE_JOIN
                              "WHERE t.planned = 1 AND t.at >= ?2 AND t.at <= ?3 "
                              "AND (s.owner_id = ?1 OR t.author_id = ?1) ORDER BY t.at LIMIT ?4",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "IIIi", op->user_id, op->now, op->now + (gint64) minutes * 60, KIND_LIMIT);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = column_int (stmt, 0);
      gint64 at = column_int (stmt, 2);
      g_autofree char *when = scim_format_date_time (at);
      g_autofree char *sale = sale_line (column_text (stmt, 4), column_text (stmt, 5));
      ScimAlert *alert = add_alert (op, SCIM_ALERT_EVENT_SOON,
                                    g_strdup_printf ("event-soon:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, id, at),
                                    g_strdup (column_text (stmt, 1)),
                                    /* Translators: a planned event coming up: "At 14:30 · Romashka · Consulting". */
                                    g_strdup_printf (_("At %s · %s"), when, sale), at);

      alert->event_id = id;
      alert->sale_id = column_int (stmt, 3);
    }
  return rc == SQLITE_DONE;
}

static gboolean
events_new (ScimTx    *tx,
            AlertsOp  *op,
            GError   **error)
{
  sqlite3_stmt *stmt;
  int rc;

  /* Unread events by others in sales I own or whose product I manage,
   * written in the last days: a range of my feed, event_news (schema
   * version 10), checked against the sale's owner and manager of now. */
  stmt = _scim_store_prepare (tx->store,
                              "SELECT t.id, t.title, t.created_at, t.sale_id, c.name, p.name, "
                              "coalesce(nullif(u.full_name, ''), u.login, '') FROM event_news n "
                              "JOIN events t ON t.id = n.event_id" SALE_JOIN
                              "LEFT JOIN users u ON u.id = t.author_id "
                              "WHERE n.user_id = ?1 AND n.created_at >= max(?2, coalesce((SELECT created_at "
                              "  FROM event_read_upto WHERE user_id = ?1), 0)) "
                              "AND t.author_id IS NOT ?1 AND (s.owner_id = ?1 OR p.manager_id = ?1) "
                              "AND NOT EXISTS (SELECT 1 FROM event_reads r WHERE r.user_id = ?1 AND r.event_id = t.id) "
                              "ORDER BY n.created_at DESC, n.event_id DESC LIMIT ?3",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "IIi", op->user_id, op->now - NEWS_DAYS * 86400, KIND_LIMIT);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = column_int (stmt, 0);
      g_autofree char *sale = sale_line (column_text (stmt, 4), column_text (stmt, 5));
      ScimAlert *alert = add_alert (op, SCIM_ALERT_EVENT_NEW, g_strdup_printf ("event-new:%" G_GINT64_FORMAT, id),
                                    g_strdup (column_text (stmt, 1)),
                                    /* Translators: someone's new event: "Olga Smirnova · Romashka · Consulting". */
                                    g_strdup_printf (_("%s · %s"), column_text (stmt, 6), sale),
                                    column_int (stmt, 2));

      alert->event_id = id;
      alert->sale_id = column_int (stmt, 3);
    }
  return rc == SQLITE_DONE;
}

static gboolean
tasks_changed (ScimTx    *tx,
               AlertsOp  *op,
               GError   **error)
{
  sqlite3_stmt *stmt;
  int rc;

  /* The latest change by someone else to each open task of mine, from the
   * newest part of the change log (a range of its key). */
  stmt = _scim_store_prepare (tx->store,
                              "SELECT t.id, t.title, max(l.seq), l.at, t.sale_id, c.name, p.name, "
                              "coalesce(nullif(u.full_name, ''), u.login, ''), l.action FROM change_log l "
                              "JOIN tasks t ON t.id = l.entity_id" SALE_JOIN
                              "LEFT JOIN users u ON u.id = l.user_id "
                              "WHERE l.seq > (SELECT coalesce(max(seq), 0) FROM change_log) - ?4 "
                              "AND l.entity = 'tasks' AND l.action IN ('insert', 'update') AND l.at >= ?2 "
                              "AND l.user_id IS NOT ?1 AND l.user_id IS NOT NULL "
                              "AND t.owner_id = ?1 AND t.state = 'planned' "
                              "GROUP BY t.id ORDER BY 3 DESC LIMIT ?3",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "IIii", op->user_id, op->now - NEWS_DAYS * 86400, KIND_LIMIT, CHANGE_WINDOW);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = column_int (stmt, 0);
      g_autofree char *sale = sale_line (column_text (stmt, 5), column_text (stmt, 6));
      gboolean created = g_str_equal (column_text (stmt, 8), "insert");
      ScimAlert *alert = add_alert (op, SCIM_ALERT_TASK_CHANGED,
                                    g_strdup_printf ("task-changed:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, id,
                                                     column_int (stmt, 2)),
                                    g_strdup (column_text (stmt, 1)),
                                    created
                                    /* Translators: "Given to you by Olga Smirnova · Romashka · Consulting". */
                                    ? g_strdup_printf (_("Given to you by %s · %s"), column_text (stmt, 7), sale)
                                    /* Translators: "Changed by Olga Smirnova · Romashka · Consulting". */
                                    : g_strdup_printf (_("Changed by %s · %s"), column_text (stmt, 7), sale),
                                    column_int (stmt, 3));

      alert->task_id = id;
      alert->sale_id = column_int (stmt, 4);
    }
  return rc == SQLITE_DONE;
}

static gboolean
make_plan (ScimTx    *tx,
           AlertsOp  *op,
           GError   **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT r.id, r.created_at, t.id, c.name, p.name FROM plan_requests r "
                              "JOIN sales t ON t.id = r.sale_id JOIN clients c ON c.id = t.client_id "
                              "JOIN products p ON p.id = t.product_id "
                              "WHERE r.user_id = ?1 AND r.done_at IS NULL AND t.closed_at IS NULL "
                              "ORDER BY r.created_at DESC LIMIT ?2",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "Ii", op->user_id, KIND_LIMIT);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      g_autofree char *sale = sale_line (column_text (stmt, 3), column_text (stmt, 4));
      ScimAlert *alert = add_alert (op, SCIM_ALERT_MAKE_PLAN,
                                    g_strdup_printf ("make-plan:%" G_GINT64_FORMAT, column_int (stmt, 0)),
                                    /* Translators: a new sale with no task yet: "Make a plan for Romashka". */
                                    g_strdup_printf (_("Make a plan for %s"), column_text (stmt, 3)),
                                    /* Translators: "A new sale, no task yet · Romashka · Consulting". */
                                    g_strdup_printf (_("A new sale with no task yet · %s"), sale),
                                    column_int (stmt, 1));

      alert->sale_id = column_int (stmt, 2);
    }
  return rc == SQLITE_DONE;
}

static gboolean
products_without_sales (ScimTx    *tx,
                        AlertsOp  *op,
                        GError   **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT t.id, t.name, t.created_at FROM products t "
                              "WHERE t.manager_id = ?1 AND t.active = 1 "
                              "AND NOT EXISTS (SELECT 1 FROM sales s WHERE s.product_id = t.id) "
                              "ORDER BY t.created_at DESC LIMIT ?2",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "Ii", op->user_id, KIND_LIMIT);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      ScimAlert *alert = add_alert (op, SCIM_ALERT_PRODUCT_NO_SALES,
                                    g_strdup_printf ("product-no-sales:%" G_GINT64_FORMAT,
                                                     column_int (stmt, 0)),
                                    /* Translators: "Plan the first sales of Consulting". */
                                    g_strdup_printf (_("Plan the first sales of %s"), column_text (stmt, 1)),
                                    g_strdup (_("A product you manage has no sales yet")),
                                    column_int (stmt, 2));

      alert->product_id = column_int (stmt, 0);
    }
  return rc == SQLITE_DONE;
}

static gboolean
leads_waiting (ScimTx    *tx,
               AlertsOp  *op,
               GError   **error)
{
  gint64 n, oldest;
  g_autofree char *day = NULL;
  g_autofree char *since = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (!op->may_accept)
    return TRUE;
  /* New leads nobody has taken, or given to me: two ranges of
   * leads_owner (owner, state, received_at), counted without the rows. */
  n = _scim_store_query_int (tx->store, error,
                             "SELECT (SELECT count(*) FROM leads WHERE owner_id IS NULL AND state = 'new') "
                             "+ (SELECT count(*) FROM leads WHERE owner_id = ? AND state = 'new')",
                             "I", op->user_id);
  if (n < 0)
    return FALSE;
  if (n == 0)
    return TRUE;
  oldest = _scim_store_query_int (tx->store, error,
                                  "SELECT min(coalesce((SELECT min(received_at) FROM leads "
                                  "  WHERE owner_id IS NULL AND state = 'new'), 9223372036854775807), "
                                  "coalesce((SELECT min(received_at) FROM leads "
                                  "  WHERE owner_id = ?1 AND state = 'new'), 9223372036854775807))",
                                  "I", op->user_id);
  if (oldest < 0)
    return FALSE;
  /* One alert a day, however many wait. */
  local = g_date_time_new_from_unix_local (op->now);
  day = g_date_time_format (local, "%Y-%m-%d");
  since = scim_format_date (oldest);
  add_alert (op, SCIM_ALERT_LEADS_WAITING, g_strdup_printf ("leads-waiting:%s", day),
             g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u lead waits for acceptance",
                                           "%u leads wait for acceptance", (gulong) n), (guint) n),
             /* Translators: "The oldest came in on 01.12.2026". */
             g_strdup_printf (_("The oldest came in on %s"), since), op->now);
  return TRUE;
}

static gboolean
sales_idle (ScimTx    *tx,
            AlertsOp  *op,
            GError   **error)
{
  guint days = op->options->idle_days != 0 ? op->options->idle_days : SCIM_DEFAULT_IDLE_DAYS;
  sqlite3_stmt *stmt;
  int rc;

  /* Open sales of mine without activity, not paused into the future: a
   * range of sales_in_work. */
  stmt = _scim_store_prepare (tx->store,
                              "SELECT t.id, t.last_activity_at, c.name, p.name FROM sales t "
                              "JOIN clients c ON c.id = t.client_id JOIN products p ON p.id = t.product_id "
                              "WHERE t.owner_id = ?1 AND t.closed_at IS NULL AND t.last_activity_at < ?2 "
                              "AND coalesce(t.paused_until, 0) < ?3 ORDER BY t.last_activity_at LIMIT ?4",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "IIIi", op->user_id, op->now - (gint64) days * 86400, op->now, KIND_LIMIT);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      gint64 since = column_int (stmt, 1);
      g_autofree char *when = scim_format_date (since);
      g_autofree char *sale = sale_line (column_text (stmt, 2), column_text (stmt, 3));
      ScimAlert *alert = add_alert (op, SCIM_ALERT_SALE_IDLE,
                                    g_strdup_printf ("sale-idle:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                                                     column_int (stmt, 0), since),
                                    /* Translators: "Romashka: nothing done since 01.12.2026". */
                                    g_strdup_printf (_("%s: nothing done since %s"), column_text (stmt, 2), when),
                                    g_strdup (sale), since);

      alert->sale_id = column_int (stmt, 0);
    }
  return rc == SQLITE_DONE;
}

static gboolean
sales_stuck (ScimTx    *tx,
             AlertsOp  *op,
             GError   **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT t.id, t.stage_entered_at, c.name, p.name, st.name, st.stuck_days "
                              "FROM sales t "
                              "JOIN stages st ON st.id = t.stage_id JOIN clients c ON c.id = t.client_id "
                              "JOIN products p ON p.id = t.product_id "
                              "WHERE t.owner_id = ?1 AND t.closed_at IS NULL AND st.kind = 'open' "
                              "AND st.stuck_days IS NOT NULL AND t.stage_entered_at < ?2 - st.stuck_days * 86400 "
                              "AND coalesce(t.paused_until, 0) < ?2 ORDER BY t.stage_entered_at LIMIT ?3",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "IIi", op->user_id, op->now, KIND_LIMIT);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      gint64 since = column_int (stmt, 1);
      guint days = (guint) ((op->now - since) / 86400);
      g_autofree char *sale = sale_line (column_text (stmt, 2), column_text (stmt, 3));
      ScimAlert *alert = add_alert (op, SCIM_ALERT_SALE_STUCK,
                                    g_strdup_printf ("sale-stuck:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
                                                     column_int (stmt, 0), since),
                                    /* Translators: "Romashka: 12 days at “Proposal sent”". */
                                    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: %u day at “%s”",
                                                                  "%s: %u days at “%s”", days),
                                                     column_text (stmt, 2), days, column_text (stmt, 4)),
                                    /* Translators: "Over the stage's limit of 7 days · Romashka · Consulting". */
                                    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Over the stage’s limit of %u day · %s",
                                                                  "Over the stage’s limit of %u days · %s",
                                                                  (gulong) sqlite3_column_int (stmt, 5)),
                                                     (guint) sqlite3_column_int (stmt, 5), sale),
                                    since);

      alert->sale_id = column_int (stmt, 0);
    }
  return rc == SQLITE_DONE;
}

/* The marks of the alerts found, and the snoozed ones left out. */
static gboolean
load_marks (ScimTx    *tx,
            AlertsOp  *op,
            GError   **error)
{
  g_autoptr(GString) json = g_string_new ("[");
  g_autoptr(GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3_stmt *stmt;
  int rc;

  if (op->alerts->len == 0)
    return TRUE;
  for (guint i = 0; i < op->alerts->len; i++)
    {
      ScimAlert *alert = g_ptr_array_index (op->alerts, i);
      g_autofree char *quoted = g_strescape (alert->key, NULL);

      g_string_append_printf (json, "%s\"%s\"", i > 0 ? "," : "", quoted);
      g_hash_table_insert (by_key, alert->key, alert);
    }
  g_string_append_c (json, ']');
  stmt = _scim_store_prepare (tx->store,
                              "SELECT alert_key, coalesce(delivered_at, 0), coalesce(read_at, 0), coalesce(mailed_at, 0), "
                              "coalesce(snoozed_until, 0) FROM alert_marks "
                              "WHERE user_id = ? AND alert_key IN (SELECT value FROM json_each(?))",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "Is", op->user_id, json->str);
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    {
      ScimAlert *alert = g_hash_table_lookup (by_key, column_text (stmt, 0));

      if (alert == NULL)
        continue;
      alert->delivered_at = column_int (stmt, 1);
      alert->read_at = column_int (stmt, 2);
      alert->mailed_at = column_int (stmt, 3);
      alert->snoozed_until = column_int (stmt, 4);
    }
  if (rc != SQLITE_DONE)
    return FALSE;
  /* Snoozed: gone until the time is up. */
  for (guint i = op->alerts->len; i > 0; i--)
    {
      ScimAlert *alert = g_ptr_array_index (op->alerts, i - 1);

      if (alert->snoozed_until > op->now)
        g_ptr_array_remove_index (op->alerts, i - 1);
    }
  return TRUE;
}

static gboolean
alerts_cb (ScimTx    *tx,
           gpointer   user_data,
           GError   **error)
{
  AlertsOp *op = user_data;
  gint64 allowed;

  g_ptr_array_set_size (op->alerts, 0);
  op->user_id = tx->user_id;
  if (op->user_id == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION, _("Sign in first: alerts are a user’s."));
      return FALSE;
    }
  allowed = _scim_store_query_int (tx->store, error,
                                   "SELECT count(*) FROM users WHERE id = ? AND active = 1 "
                                   "AND (may_accept = 1 OR role IN ('head', 'admin'))", "I", op->user_id);
  if (allowed < 0)
    return FALSE;
  op->may_accept = allowed > 0;

  if ((wanted (op, SCIM_ALERT_TASK_OVERDUE) && !tasks_due (tx, op, TRUE, error)) ||
      (wanted (op, SCIM_ALERT_TASK_DUE_TODAY) && !tasks_due (tx, op, FALSE, error)) ||
      (wanted (op, SCIM_ALERT_EVENT_SOON) && !events_soon (tx, op, error)) ||
      (wanted (op, SCIM_ALERT_EVENT_NEW) && !events_new (tx, op, error)) ||
      (wanted (op, SCIM_ALERT_TASK_CHANGED) && !tasks_changed (tx, op, error)) ||
      (wanted (op, SCIM_ALERT_MAKE_PLAN) && !make_plan (tx, op, error)) ||
      (wanted (op, SCIM_ALERT_PRODUCT_NO_SALES) && !products_without_sales (tx, op, error)) ||
      (wanted (op, SCIM_ALERT_LEADS_WAITING) && !leads_waiting (tx, op, error)) ||
      (wanted (op, SCIM_ALERT_SALE_IDLE) && !sales_idle (tx, op, error)) ||
      (wanted (op, SCIM_ALERT_SALE_STUCK) && !sales_stuck (tx, op, error)))
    return FALSE;
  return load_marks (tx, op, error);
}

/**
 * scim_store_list_alerts:
 * @store: a #ScimStore, signed in
 * @options: (nullable): the moment, lead time, idle limit and kinds
 * @error: return location for an error
 *
 * Computes every alert of the signed-in user with its marks, in one read
 * transaction: the kinds in the order of #ScimAlertKind (the most urgent
 * first), and within a kind as each query orders them (overdue tasks the
 * latest due first, today's in the order of the day).  At most 200 of a
 * kind.  Snoozed alerts are left out until their time is up.
 *
 * Returns: (transfer full) (element-type ScimAlert): the alerts, or %NULL
 *   with @error set
 */
GPtrArray *
scim_store_list_alerts (ScimStore               *store,
                        const ScimAlertOptions  *options,
                        GError                 **error)
{
  static const ScimAlertOptions defaults = { 0 };
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_alert_free);
  AlertsOp op = { options != NULL ? options : &defaults, 0, 0, 0, 0, FALSE, alerts };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);

  op.now = op.options->now != 0 ? op.options->now : g_get_real_time () / G_USEC_PER_SEC;
  op.today = _scim_local_day_start (op.now, 0);
  op.tomorrow = _scim_local_day_start (op.now, 1);
  if (!_scim_store_read (store, alerts_cb, &op, error))
    return NULL;
  return g_steal_pointer (&alerts);
}

/* Marks */

typedef struct
{
  const char * const *keys;
  ScimAlertMark       mark;
  const char         *snooze_key;
  gint64              until;
} MarkOp;

static gboolean
mark_cb (ScimTx    *tx,
         gpointer   user_data,
         GError   **error)
{
  MarkOp *op = user_data;
  static const char * const sql[] = {
    [SCIM_ALERT_MARK_DELIVERED] =
      "INSERT INTO alert_marks (user_id, alert_key, delivered_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (user_id, alert_key) DO UPDATE SET delivered_at = ?3",
    [SCIM_ALERT_MARK_READ] =
      "INSERT INTO alert_marks (user_id, alert_key, read_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (user_id, alert_key) DO UPDATE SET read_at = ?3, snoozed_until = NULL",
    [SCIM_ALERT_MARK_MAILED] =
      "INSERT INTO alert_marks (user_id, alert_key, mailed_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (user_id, alert_key) DO UPDATE SET mailed_at = ?3",
  };

  if (tx->user_id == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION, _("Sign in first: alerts are a user’s."));
      return FALSE;
    }
  if (op->snooze_key != NULL)
    return _scim_store_exec (tx->store, error,
                             "INSERT INTO alert_marks (user_id, alert_key, snoozed_until, delivered_at) "
                             "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (user_id, alert_key) "
                             "DO UPDATE SET snoozed_until = ?3, read_at = NULL, "
                             "delivered_at = coalesce(delivered_at, ?4)",
                             "IsII", tx->user_id, op->snooze_key, op->until, tx->now);
  for (guint i = 0; op->keys != NULL && op->keys[i] != NULL; i++)
    if (!_scim_store_exec (tx->store, error, sql[op->mark], "IsI", tx->user_id, op->keys[i], tx->now))
      return FALSE;
  return TRUE;
}

/**
 * scim_store_mark_alerts:
 * @store: a #ScimStore, signed in
 * @keys: (array zero-terminated=1): alert keys
 * @mark: what happened to them
 * @error: return location for an error
 *
 * Marks alerts of the signed-in user as shown, read or mailed, now, in the
 * file: every machine that shares it knows.  Reading one ends its snooze.
 * Marks are no change to the sales data: they wake no other window.
 *
 * Returns: %TRUE when marked
 */
gboolean
scim_store_mark_alerts (ScimStore          *store,
                        const char * const *keys,
                        ScimAlertMark       mark,
                        GError            **error)
{
  MarkOp op = { keys, mark, NULL, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (mark <= SCIM_ALERT_MARK_MAILED, FALSE);
  if (keys == NULL || keys[0] == NULL)
    return TRUE;
  return scim_store_write (store, mark_cb, &op, error);
}

/**
 * scim_store_snooze_alert:
 * @store: a #ScimStore, signed in
 * @key: an alert key
 * @until: UTC seconds when it comes back
 * @error: return location for an error
 *
 * Hides the alert until @until; then it is shown once more.
 *
 * Returns: %TRUE when snoozed
 */
gboolean
scim_store_snooze_alert (ScimStore   *store,
                         const char  *key,
                         gint64       until,
                         GError     **error)
{
  MarkOp op = { NULL, SCIM_ALERT_MARK_DELIVERED, key, until };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  return scim_store_write (store, mark_cb, &op, error);
}

/* Summaries and quiet hours */

/**
 * scim_alerts_summarize:
 * @alerts: (element-type ScimAlert): alerts to show at once
 *
 * Returns: (transfer full): one line for all of them: of one kind, "7 tasks
 *   overdue"; of several, "12 new alerts, 7 tasks overdue" (the most urgent
 *   kind named)
 */
char *
scim_alerts_summarize (GPtrArray *alerts)
{
  guint counts[SCIM_ALERT_N_KINDS] = { 0 };
  guint kinds_seen = 0;
  int first = -1;

  g_return_val_if_fail (alerts != NULL, NULL);
  for (guint i = 0; i < alerts->len; i++)
    {
      ScimAlert *alert = g_ptr_array_index (alerts, i);

      if (counts[alert->kind]++ == 0)
        kinds_seen++;
      if (first < 0 || (int) alert->kind < first)
        first = (int) alert->kind;
    }
  if (first == SCIM_ALERT_TASK_OVERDUE)
    {
      g_autofree char *overdue = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u task overdue",
                                                               "%u tasks overdue", counts[first]), counts[first]);

      if (kinds_seen == 1)
        return g_steal_pointer (&overdue);
      /* Translators: "12 new alerts, 7 tasks overdue". */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new alert, %s", "%u new alerts, %s", alerts->len),
                              alerts->len, overdue);
    }
  if (first == SCIM_ALERT_TASK_DUE_TODAY && kinds_seen == 1)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u task due today", "%u tasks due today", counts[first]),
                            counts[first]);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new alert", "%u new alerts", alerts->len), alerts->len);
}

/**
 * scim_alerts_quiet:
 * @now: UTC seconds
 * @start_minute: the start of the quiet hours, minutes after local midnight
 * @end_minute: their end
 *
 * Returns: whether @now, in local time, is in the quiet hours
 */
gboolean
scim_alerts_quiet (gint64 now,
                   guint  start_minute,
                   guint  end_minute)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (now);
  guint minute;

  if (local == NULL || start_minute == end_minute)
    return FALSE;
  minute = (guint) (g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local));
  if (start_minute < end_minute)
    return minute >= start_minute && minute < end_minute;
  return minute >= start_minute || minute < end_minute;
}

/**
 * scim_alerts_compose_mail:
 * @alerts: (element-type ScimAlert): the alerts to mail
 * @digest: whether this is the daily digest (else: new alerts)
 * @subject: (out) (transfer full): the subject
 *
 * Returns: (transfer full): the text of the mail, the alerts by kind
 */
char *
scim_alerts_compose_mail (GPtrArray  *alerts,
                          gboolean    digest,
                          char      **subject)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *summary = scim_alerts_summarize (alerts);
  int kind = -1;

  g_return_val_if_fail (alerts != NULL && subject != NULL, NULL);
  /* Translators: the subject of an alerts mail: "SCIM Sales: 7 tasks overdue". */
  *subject = g_strdup_printf (digest ? _("SCIM Sales, today: %s") : _("SCIM Sales: %s"), summary);
  g_string_append_printf (body, "%s\n", digest ? _("Your alerts today:") : _("New alerts:"));
  for (guint i = 0; i < alerts->len; i++)
    {
      ScimAlert *alert = g_ptr_array_index (alerts, i);

      if ((int) alert->kind != kind)
        {
          kind = (int) alert->kind;
          g_string_append_printf (body, "\n%s\n", scim_alert_kind_get_label (alert->kind));
        }
      g_string_append_printf (body, "  • %s\n    %s\n", alert->title, alert->body);
    }
  g_string_append_printf (body, "\n-- \n%s\n", _("SCIM Sales. Open the app to act on them; what you read there is "
                                                   "read here too."));
  return g_string_free (g_steal_pointer (&body), FALSE);
}

/* Claims */

typedef struct
{
  const char *key;
  gboolean    release;
  gboolean    claimed;
} ClaimOp;

static gboolean
claim_cb (ScimTx    *tx,
          gpointer   user_data,
          GError   **error)
{
  ClaimOp *op = user_data;

  if (tx->user_id == 0)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION, _("Sign in first: alerts are a user’s."));
      return FALSE;
    }
  if (op->release)
    return _scim_store_exec (tx->store, error, "DELETE FROM alert_marks WHERE user_id = ? AND alert_key = ?", "Is",
                             tx->user_id, op->key);
  if (!_scim_store_exec (tx->store, error,
                         "INSERT INTO alert_marks (user_id, alert_key, mailed_at) VALUES (?, ?, ?) "
                         "ON CONFLICT (user_id, alert_key) DO NOTHING",
                         "IsI", tx->user_id, op->key, tx->now))
    return FALSE;
  op->claimed = sqlite3_changes (tx->db) > 0;
  return TRUE;
}

/**
 * scim_store_claim_alert:
 * @store: a #ScimStore, signed in
 * @key: a key of something done once per user, such as "digest:2026-12-06"
 * @claimed: (out): whether this call claimed it (no other machine had)
 * @error: return location for an error
 *
 * Claims @key for the signed-in user in the file, so that of all machines
 * sharing the file one does it (the daily digest).  Give it back with
 * scim_store_release_alert() when doing it failed.
 *
 * Returns: %TRUE unless the file could not be written
 */
gboolean
scim_store_claim_alert (ScimStore   *store,
                        const char  *key,
                        gboolean    *claimed,
                        GError     **error)
{
  ClaimOp op = { key, FALSE, FALSE };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  if (!scim_store_write (store, claim_cb, &op, error))
    return FALSE;
  *claimed = op.claimed;
  return TRUE;
}

gboolean
scim_store_release_alert (ScimStore   *store,
                          const char  *key,
                          GError     **error)
{
  ClaimOp op = { key, TRUE, FALSE };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  return scim_store_write (store, claim_cb, &op, error);
}
