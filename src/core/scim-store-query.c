/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-store-query"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-format.h"
#include "scim-query.h"
#include "scim-records.h"
#include "scim-merge.h"
#include "scim-store-private.h"

/* The list queries of every page.  A list is loaded in two steps: the ids
 * in display order (cheap: index order), then rows by id, a page at a time,
 * as the view scrolls.  Column names are the property names of the record
 * types in scim-records.c. */

G_DEFINE_BOXED_TYPE (ScimQuery, scim_query, scim_query_copy, scim_query_free)

ScimQuery *
scim_query_new (ScimListKind kind)
{
  ScimQuery *query = g_new0 (ScimQuery, 1);

  query->kind = kind;
  return query;
}

ScimQuery *
scim_query_copy (const ScimQuery *query)
{
  ScimQuery *copy = g_new0 (ScimQuery, 1);

  *copy = *query;
  copy->state = g_strdup (query->state);
  copy->search = g_strdup (query->search);
  copy->source = g_strdup (query->source);
  copy->event_kind = g_strdup (query->event_kind);
  return copy;
}

void
scim_query_free (ScimQuery *query)
{
  if (query == NULL)
    return;
  g_free (query->state);
  g_free (query->search);
  g_free (query->source);
  g_free (query->event_kind);
  g_free (query);
}

typedef struct
{
  const char *table;
  const char *order;
  const char *owner_column;
  const char *state_column;
  const char *search_columns[5];
  const char *rows_sql;
  const char *depends[9];   /* NULL-terminated */
  const char *listing_sql;  /* the rows without what a listing does not show; NULL: rows_sql */
} ListSpec;

#define USER_NAME(alias) "coalesce(nullif(" alias ".full_name, ''), " alias ".login)"

/* A lead's row; its likely duplicates (other leads with its phone, e-mail
 * or tax id, each an index lookup: the partial indexes need the != '') cost
 * four times the rest, so a listing that does not show them goes without. */
#define LEAD_COLUMNS \
  "t.id, t.version, t.name, t.company, t.position, t.phone, t.email, t.tax_id, t.source, t.channel, " \
  "t.product_id, p.name AS product, t.notes, t.received_at, t.state, t.decided_by, t.decided_at, " \
  "t.reject_reason, t.owner_id, " USER_NAME ("u") " AS owner, t.client_id, " \
  "t.source_id, t.source_status, t.source_owner"
#define LEAD_DUPLICATES \
  "(SELECT count(*) FROM (" \
  "  SELECT d.id FROM leads d WHERE t.phone_key != '' AND d.phone_key = t.phone_key AND d.phone_key != '' " \
  "  AND d.id != t.id " \
  "  UNION SELECT d.id FROM leads d WHERE t.email_key != '' AND d.email_key = t.email_key AND d.email_key != '' " \
  "  AND d.id != t.id " \
  "  UNION SELECT d.id FROM leads d WHERE t.tax_id != '' AND d.tax_id = t.tax_id AND d.tax_id != '' " \
  "  AND d.id != t.id))"
#define LEAD_FROM \
  "FROM leads t LEFT JOIN products p ON p.id = t.product_id LEFT JOIN users u ON u.id = t.owner_id " \
  "WHERE t.id IN (SELECT value FROM json_each(?1))"

static const ListSpec specs[] = {
  [SCIM_LIST_USERS] = {
    "users", "t.active DESC, coalesce(nullif(t.full_name, ''), t.login) COLLATE NOCASE, t.id",
    NULL, "t.role", { "t.login", "t.full_name", "t.email", NULL },
    "SELECT t.id, t.version, t.login, t.full_name, " USER_NAME ("t") " AS display_name, t.email, t.role, "
    "t.may_accept, t.active, t.password_hash IS NOT NULL AS has_password "
    "FROM users t WHERE t.id IN (SELECT value FROM json_each(?1))",
    { "users", NULL } },
  [SCIM_LIST_AUDIENCES] = {
    "audiences", "t.name COLLATE NOCASE, t.id", NULL, NULL, { "t.name", "t.description", NULL },
    "SELECT t.id, t.version, t.name, t.description, "
    "(SELECT count(*) FROM clients c WHERE c.audience_id = t.id) AS client_count "
    "FROM audiences t WHERE t.id IN (SELECT value FROM json_each(?1))",
    { "audiences", "clients", NULL } },
  [SCIM_LIST_CLIENTS] = {
    "clients", "t.name COLLATE NOCASE, t.id", "t.manager_id", NULL,
    { "t.name", "t.tax_id", "t.phones", "t.emails", NULL },
    "SELECT t.id, t.version, t.name, t.kind, t.tax_id, t.phones, t.emails, t.address, t.website, "
    "t.audience_id, a.name AS audience, t.manager_id, " USER_NAME ("u") " AS manager, t.is_customer, t.notes, "
    "(SELECT count(*) FROM sales s WHERE s.client_id = t.id) AS sale_count "
    "FROM clients t LEFT JOIN audiences a ON a.id = t.audience_id LEFT JOIN users u ON u.id = t.manager_id "
    "WHERE t.id IN (SELECT value FROM json_each(?1))",
    { "clients", "audiences", "users", "sales", NULL } },
  [SCIM_LIST_PRODUCTS] = {
    "products", "t.active DESC, t.name COLLATE NOCASE, t.id", "t.manager_id", NULL,
    { "t.name", "t.description", NULL },
    "SELECT t.id, t.version, t.name, t.description, t.audience_id, a.name AS audience, t.manager_id, "
    USER_NAME ("u") " AS manager, t.active, "
    "(SELECT count(*) FROM stages st WHERE st.product_id = t.id) AS stage_count, "
    "(SELECT count(*) FROM sales s WHERE s.product_id = t.id) AS sale_count "
    "FROM products t LEFT JOIN audiences a ON a.id = t.audience_id LEFT JOIN users u ON u.id = t.manager_id "
    "WHERE t.id IN (SELECT value FROM json_each(?1))",
    { "products", "stages", "audiences", "users", "sales", NULL } },
  [SCIM_LIST_STAGES] = {
    "stages", "t.product_id, t.position, t.id", NULL, "t.kind", { "t.name", "t.description", NULL },
    "SELECT t.id, t.version, t.product_id, t.position, t.name, t.description, t.kind, t.probability, "
    "t.stuck_days, "
    "(SELECT count(*) FROM sales s WHERE s.product_id = t.product_id AND s.stage_id = t.id) AS sale_count, "
    "(SELECT coalesce(sum(s.amount), 0) FROM sales s WHERE s.product_id = t.product_id AND s.stage_id = t.id) AS amount "
    "FROM stages t WHERE t.id IN (SELECT value FROM json_each(?1))",
    { "stages", "sales", NULL } },
  [SCIM_LIST_LEADS] = {
    "leads", "t.received_at DESC, t.id DESC", "t.owner_id", "t.state",
    { "t.name", "t.company", "t.phone", "t.email", NULL },
    "SELECT " LEAD_COLUMNS ", " LEAD_DUPLICATES " AS duplicates " LEAD_FROM,
    { "leads", "products", "users", NULL },
    "SELECT " LEAD_COLUMNS " " LEAD_FROM },
  [SCIM_LIST_SALES] = {
    "sales", "t.stage_entered_at DESC, t.id DESC", "t.owner_id", NULL,
    { "(SELECT c.name FROM clients c WHERE c.id = t.client_id)", NULL },
    "SELECT t.id, t.version, t.client_id, c.name AS client, t.product_id, p.name AS product, t.stage_id, "
    "st.name AS stage, st.kind AS stage_kind, t.owner_id, " USER_NAME ("u") " AS owner, t.amount, "
    "t.expected_close, t.lost_reason, t.paused_until, t.stage_entered_at, t.closed_at, t.created_at, "
    "t.open_tasks, t.last_activity_at, nt.title AS next_task, nt.due_at AS next_due_at, "
    "nt.due_has_time AS next_due_has_time "
    "FROM sales t JOIN clients c ON c.id = t.client_id JOIN products p ON p.id = t.product_id "
    "JOIN stages st ON st.id = t.stage_id JOIN users u ON u.id = t.owner_id "
    /* The next step: the first open task of the plan, in its order. */
    "LEFT JOIN tasks nt ON nt.id = (SELECT x.id FROM tasks x WHERE x.sale_id = t.id AND x.state = 'planned' "
    "ORDER BY x.position LIMIT 1) "
    "WHERE t.id IN (SELECT value FROM json_each(?1))",
    { "sales", "clients", "products", "stages", "users", "tasks", "events", NULL } },
  [SCIM_LIST_TASKS] = {
    "tasks", "t.state != 'planned', t.due_at IS NULL, t.due_at, t.sale_id, t.position, t.id", "t.owner_id",
    "t.state", { "t.title", "t.notes", "t.result",
                 "(SELECT c.name FROM sales s JOIN clients c ON c.id = s.client_id WHERE s.id = t.sale_id)", NULL },
    "SELECT t.id, t.version, t.sale_id, c.name AS client, p.name AS product, t.title, t.notes, t.owner_id, "
    USER_NAME ("u") " AS owner, t.due_at, t.due_has_time, t.target_stage_id, ts.name AS target_stage, "
    "t.state, t.result, t.position, t.closed_at, st.name AS sale_stage "
    "FROM tasks t JOIN sales s ON s.id = t.sale_id JOIN clients c ON c.id = s.client_id "
    "JOIN products p ON p.id = s.product_id JOIN stages st ON st.id = s.stage_id "
    "JOIN users u ON u.id = t.owner_id LEFT JOIN stages ts ON ts.id = t.target_stage_id "
    "WHERE t.id IN (SELECT value FROM json_each(?1))",
    { "tasks", "sales", "clients", "products", "users", NULL } },
  /* Unread and planned depend on who looks and when: ?2 is the signed-in
   * user, ?3 the time (see load_rows_cb). */
  [SCIM_LIST_EVENTS] = {
    "events", "t.at DESC, t.id DESC", "t.author_id", NULL,
    { "t.title", "t.text", "(SELECT c.name FROM sales s JOIN clients c ON c.id = s.client_id WHERE s.id = t.sale_id)",
      NULL },
    "SELECT t.id, t.version, t.sale_id, s.client_id, c.name AS client, s.product_id, p.name AS product, "
    "st.name AS stage, t.kind, t.title, t.text, t.at, t.at > ?3 AS planned, t.author_id, "
    USER_NAME ("u") " AS author, t.created_at, "
    "coalesce(?2 != 0 AND t.author_id IS NOT ?2 "
    " AND (t.created_at, t.id) > (SELECT m.created_at, m.event_id FROM event_read_upto m WHERE m.user_id = ?2)"
    " AND NOT EXISTS (SELECT 1 FROM event_reads r WHERE r.user_id = ?2 AND r.event_id = t.id), 0) AS unread "
    "FROM events t JOIN sales s ON s.id = t.sale_id JOIN clients c ON c.id = s.client_id "
    "JOIN products p ON p.id = s.product_id JOIN stages st ON st.id = s.stage_id "
    "LEFT JOIN users u ON u.id = t.author_id "
    "WHERE t.id IN (SELECT value FROM json_each(?1))",
    { "events", "event_reads", "sales", "clients", "products", "stages", "users", NULL } },
  [SCIM_LIST_CONTACTS] = {
    "contacts", "t.client_id, t.name COLLATE NOCASE, t.id", NULL, "t.role",
    { "t.name", "t.position", "t.phone", "t.email", NULL },
    "SELECT t.id, t.version, t.client_id, c.name AS client, t.name, t.position, t.phone, t.email, t.role "
    "FROM contacts t JOIN clients c ON c.id = t.client_id "
    "WHERE t.id IN (SELECT value FROM json_each(?1))",
    { "contacts", "clients", NULL } },
};

/* Other orders a person may choose, by index (0 is the list's own order).
 * For tasks they group the rows: by salesperson, client or sale. */
typedef struct
{
  const char *label;
  const char *order;
} Sort;

static const Sort lead_sorts[] = {
  { N_("Newest first"), NULL },
  { N_("Oldest first"), "t.received_at, t.id" },
  { N_("By name"), "t.name COLLATE NOCASE, t.id" },
  { N_("By company"), "t.company COLLATE NOCASE, t.id" },
  { N_("By salesperson"), "(SELECT coalesce(nullif(u.full_name, ''), u.login) FROM users u WHERE u.id = t.owner_id) "
                          "COLLATE NOCASE, t.received_at DESC, t.id DESC" },
  { N_("By source"), "t.source COLLATE NOCASE, t.received_at DESC, t.id DESC" },
  { NULL, NULL },
};

static const Sort task_sorts[] = {
  { N_("By due date"), NULL },
  { N_("Grouped by salesperson"), "(SELECT coalesce(nullif(u.full_name, ''), u.login) FROM users u "
                                  "WHERE u.id = t.owner_id) COLLATE NOCASE, t.due_at IS NULL, t.due_at, t.id" },
  { N_("Grouped by client"), "(SELECT c.name FROM sales s JOIN clients c ON c.id = s.client_id WHERE s.id = t.sale_id) "
                             "COLLATE NOCASE, t.sale_id, t.position, t.id" },
  { N_("Grouped by sale"), "t.sale_id, t.position, t.id" },
  { NULL, NULL },
};

static const Sort *
sorts_of (ScimListKind kind)
{
  switch (kind)
    {
    case SCIM_LIST_LEADS: return lead_sorts;
    case SCIM_LIST_TASKS: return task_sorts;
    default: return NULL;
    }
}

/**
 * scim_list_kind_get_sorts:
 * @kind: a list
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the
 *   untranslated names of the orders @kind offers (ScimQuery.sort), or
 *   %NULL
 */
const char * const *
scim_list_kind_get_sorts (ScimListKind kind)
{
  static const char *lead_labels[G_N_ELEMENTS (lead_sorts)];
  static const char *task_labels[G_N_ELEMENTS (task_sorts)];
  const Sort *sorts = sorts_of (kind);
  const char **labels = kind == SCIM_LIST_LEADS ? lead_labels : task_labels;

  if (sorts == NULL)
    return NULL;
  for (guint i = 0; sorts[i].label != NULL; i++)
    labels[i] = sorts[i].label;
  return labels;
}

GType
scim_list_kind_get_record_type (ScimListKind kind)
{
  switch (kind)
    {
    case SCIM_LIST_USERS: return SCIM_TYPE_USER;
    case SCIM_LIST_AUDIENCES: return SCIM_TYPE_AUDIENCE;
    case SCIM_LIST_CLIENTS: return SCIM_TYPE_CLIENT;
    case SCIM_LIST_PRODUCTS: return SCIM_TYPE_PRODUCT;
    case SCIM_LIST_STAGES: return SCIM_TYPE_STAGE;
    case SCIM_LIST_LEADS: return SCIM_TYPE_LEAD;
    case SCIM_LIST_SALES: return SCIM_TYPE_SALE;
    case SCIM_LIST_TASKS: return SCIM_TYPE_TASK;
    case SCIM_LIST_EVENTS: return SCIM_TYPE_EVENT;
    case SCIM_LIST_CONTACTS: return SCIM_TYPE_CONTACT;
    default: g_return_val_if_reached (G_TYPE_INVALID);
    }
}

/**
 * scim_list_kind_depends_on:
 * @kind: a list
 * @entity: a table named in a #ScimChange
 *
 * Returns: whether a change to @entity can change what the list shows
 */
gboolean
scim_list_kind_depends_on (ScimListKind  kind,
                           const char   *entity)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (specs), FALSE);
  return g_strv_contains ((const char * const *) specs[kind].depends, entity);
}

/**
 * scim_store_refresh:
 * @store: a #ScimStore
 *
 * Makes every list and page of @store read the file again now, as another
 * user's commit does: ::changed names each table a list depends on (with
 * the action "refresh" and no row).  For a person who will not wait for
 * the next poll.
 */
void
scim_store_refresh (ScimStore *store)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) scim_change_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_if_fail (SCIM_IS_STORE (store));

  for (guint k = 0; k < G_N_ELEMENTS (specs); k++)
    for (guint i = 0; specs[k].depends[i] != NULL; i++)
      if (g_hash_table_add (seen, (gpointer) specs[k].depends[i]))
        {
          ScimChange *change = g_new0 (ScimChange, 1);

          change->at = now;
          change->entity = g_strdup (specs[k].depends[i]);
          change->action = g_strdup ("refresh");
          g_ptr_array_add (changes, change);
        }
  g_signal_emit_by_name (store, "changed", changes);
}

static char *
escape_like (const char *text)
{
  GString *s = g_string_new ("%");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '%');
  return g_string_free (s, FALSE);
}

/* Tasks by due date; returns the order of the list, which, with the due
 * date known to be set (and for overdue tasks the state to be planned),
 * can follow the indexes without a sort by constants. */
static const char *
append_due_filter (GString         *sql,
                   const ScimQuery *query,
                   gint64           now)
{
  gint64 today = _scim_local_day_start (now, 0);
  gint64 end = 0;

  switch (query->due)
    {
    case SCIM_DUE_OVERDUE:
      /* A task for a day is overdue once the day is over; one with a time,
       * once the time has passed. */
      g_string_append_printf (sql, " AND t.state = 'planned' AND t.due_at < %" G_GINT64_FORMAT
                              " AND (t.due_has_time = 1 OR t.due_at < %" G_GINT64_FORMAT ")", now, today);
      return "t.due_at, t.sale_id, t.position, t.id";
    case SCIM_DUE_TODAY:
      end = _scim_local_day_start (now, 1);
      break;
    case SCIM_DUE_WEEK:
      end = _scim_local_day_start (now, 7);
      break;
    case SCIM_DUE_NONE:
      g_string_append (sql, " AND t.due_at IS NULL");
      return "t.state != 'planned', t.sale_id, t.position, t.id";
    case SCIM_DUE_ANY:
    default:
      return specs[SCIM_LIST_TASKS].order;
    }

  /* Every state, spelled out, lets the (state, due_at) indexes serve a
   * range of due dates when the list is not filtered by state. */
  if (query->state == NULL)
    g_string_append (sql, " AND t.state IN ('planned', 'done', 'failed', 'cancelled')");
  g_string_append_printf (sql, " AND t.due_at >= %" G_GINT64_FORMAT " AND t.due_at < %" G_GINT64_FORMAT,
                          today, end);
  return "t.state != 'planned', t.due_at, t.sale_id, t.position, t.id";
}

/* Sales by a signal of broken discipline, on the counters of schema
 * version 5 (sales.open_tasks, sales.last_activity_at) and their partial
 * indexes.  Idle sales come longest idle first. */
static const char *
append_signal_filter (GString         *sql,
                      const ScimQuery *query,
                      gint64           now)
{
  guint days = query->idle_days != 0 ? query->idle_days : SCIM_DEFAULT_IDLE_DAYS;

  switch (query->signal)
    {
    case SCIM_SALE_SIGNAL_NO_PLAN:
      g_string_append (sql, " AND t.open_tasks = 0 AND t.stage_id IN (SELECT id FROM stages WHERE kind != 'lost')");
      return specs[SCIM_LIST_SALES].order;
    case SCIM_SALE_SIGNAL_IDLE:
      g_string_append_printf (sql, " AND t.closed_at IS NULL AND t.last_activity_at < %" G_GINT64_FORMAT
                              " AND coalesce(t.paused_until, 0) < %" G_GINT64_FORMAT,
                              now - (gint64) days * 24 * 3600, now);
      return "t.last_activity_at, t.id";
    case SCIM_SALE_SIGNAL_STUCK:
      /* Longer at the stage than the stage allows; the oldest first. */
      g_string_append_printf (sql, " AND t.closed_at IS NULL AND EXISTS (SELECT 1 FROM stages st WHERE st.id = t.stage_id"
                              " AND st.stuck_days > 0 AND st.kind IN ('open', 'paused')"
                              " AND t.stage_entered_at < %" G_GINT64_FORMAT " - st.stuck_days * 86400)", now);
      return "t.stage_entered_at, t.id";
    case SCIM_SALE_SIGNAL_NONE:
    default:
      return specs[SCIM_LIST_SALES].order;
    }
}

/* The Sales book's own filters.  "Only unread" is a range of the index on
 * (created_at, author_id) from the user's watermark (schema version 6):
 * written after it, by someone else, and not marked read one by one. */
static void
append_event_filters (GString         *sql,
                      GPtrArray       *binds,
                      int             *index,
                      const ScimQuery *query,
                      gint64           user_id)
{
  if (query->event_kind != NULL)
    {
      /* With "only unread", the unread ids lead: the kind index must not. */
      g_string_append_printf (sql, " AND %st.kind = ?%d", query->only_unread ? "+" : "", (*index)++);
      g_ptr_array_add (binds, g_strdup (query->event_kind));
    }
  if (query->since != 0)
    g_string_append_printf (sql, " AND t.at >= %" G_GINT64_FORMAT, query->since);
  if (query->until != 0)
    g_string_append_printf (sql, " AND t.at < %" G_GINT64_FORMAT, query->until);
  if (query->only_unread && user_id == 0)
    g_string_append (sql, " AND 0");
  else if (query->only_unread)
    /* As a list of ids, so the planner starts from the watermark's range
     * rather than walking the whole book in display order. */
    g_string_append_printf (sql,
                            " AND t.id IN (SELECT e.id FROM event_read_upto m JOIN events e"
                            " ON e.created_at >= m.created_at WHERE m.user_id = %" G_GINT64_FORMAT
                            " AND (e.created_at > m.created_at OR e.id > m.event_id)"
                            " AND e.author_id IS NOT %" G_GINT64_FORMAT
                            " AND NOT EXISTS (SELECT 1 FROM event_reads r WHERE r.user_id = %" G_GINT64_FORMAT
                            " AND r.event_id = e.id))",
                            user_id, user_id, user_id);
}

/* An FTS5 query for the trigram index: each word of the folded search
 * with three characters or more, as a quoted phrase, all of them required;
 * NULL when no word is that long (a trigram index cannot look shorter
 * ones up). */
static char *
lead_search_words (const char *folded)
{
  g_auto(GStrv) words = g_strsplit (folded, " ", -1);
  g_autoptr(GString) match = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (g_utf8_strlen (words[i], -1) < 3)
        continue;
      if (match->len > 0)
        g_string_append (match, " AND ");
      g_string_append_c (match, '"');
      for (const char *p = words[i]; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (match, '"');
          g_string_append_c (match, *p);
        }
      g_string_append_c (match, '"');
    }
  return match->len > 0 ? g_string_free (g_steal_pointer (&match), FALSE) : NULL;
}

static int
progress_cancel_cb (void *user_data)
{
  return g_cancellable_is_cancelled (user_data) ? 1 : 0;
}

typedef struct
{
  const ScimQuery *query;
  GCancellable    *cancellable;
  GArray          *ids;
  /* Pages by key: the first with paged set and after NULL, the next after
   * the key the last one returned; limit 0 for all the rest. */
  gboolean         paged;
  GVariant        *after;
  guint            limit;
  GVariant        *last_key;   /* out, av */
  gboolean         count;      /* only count the rows, into count */
  gint64           n_rows;
  gboolean         sum;        /* with count: also the sum of the amounts */
  gint64           amount;
} IdsData;

/* The terms of an ORDER BY: its expressions split at the commas outside
 * parentheses and quotes, each with its direction. */
typedef struct
{
  char     *expr;
  gboolean  desc;
} OrderTerm;

static void
order_term_clear (gpointer data)
{
  g_free (((OrderTerm *) data)->expr);
}

static GArray *
split_order (const char *order)
{
  GArray *terms = g_array_new (FALSE, FALSE, sizeof (OrderTerm));
  const char *start = order;
  int depth = 0;
  gboolean quoted = FALSE;

  g_array_set_clear_func (terms, order_term_clear);
  for (const char *p = order;; p++)
    {
      if (*p == '\'')
        quoted = !quoted;
      else if (!quoted && *p == '(')
        depth++;
      else if (!quoted && *p == ')')
        depth--;
      if (*p == '\0' || (*p == ',' && depth == 0 && !quoted))
        {
          g_autofree char *term = g_strstrip (g_strndup (start, (gsize) (p - start)));
          OrderTerm t = { NULL, FALSE };

          if (g_str_has_suffix (term, " DESC"))
            {
              t.desc = TRUE;
              term[strlen (term) - 5] = '\0';
            }
          else if (g_str_has_suffix (term, " ASC"))
            term[strlen (term) - 4] = '\0';
          t.expr = g_strdup (g_strstrip (term));
          g_array_append_val (terms, t);
          if (*p == '\0')
            break;
          start = p + 1;
        }
    }
  return terms;
}

/* Whether @expr is a column of the list's table declared NOT NULL. */
static gboolean
is_not_null_column (sqlite3    *db,
                    const char *table,
                    const char *expr)
{
  int not_null = 0;

  if (!g_str_has_prefix (expr, "t.") || strpbrk (expr + 2, " ()") != NULL)
    return FALSE;
  if (sqlite3_table_column_metadata (db, NULL, table, expr + 2, NULL, NULL, &not_null, NULL, NULL) != SQLITE_OK)
    return FALSE;
  return not_null != 0;
}

static void
bind_key (sqlite3_stmt *stmt,
          int           index,
          GVariant     *value)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    sqlite3_bind_int64 (stmt, index, g_variant_get_int64 (value));
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    sqlite3_bind_double (stmt, index, g_variant_get_double (value));
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    sqlite3_bind_text (stmt, index, g_variant_get_string (value, NULL), -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static GVariant *
column_key (sqlite3_stmt *stmt,
            int           column)
{
  switch (sqlite3_column_type (stmt, column))
    {
    case SQLITE_INTEGER:
      return g_variant_new_variant (g_variant_new_int64 (sqlite3_column_int64 (stmt, column)));
    case SQLITE_FLOAT:
      return g_variant_new_variant (g_variant_new_double (sqlite3_column_double (stmt, column)));
    case SQLITE_TEXT:
    case SQLITE_BLOB:
      {
        const char *text = (const char *) sqlite3_column_text (stmt, column);

        /* Compared again by SQLite as it was: kept byte for byte. */
        if (!g_utf8_validate (text, -1, NULL))
          return g_variant_new_variant (g_variant_new_take_string (g_utf8_make_valid (text, -1)));
        return g_variant_new_variant (g_variant_new_string (text));
      }
    default:
      return g_variant_new_variant (g_variant_new_tuple (NULL, 0));
    }
}

/* Rows after @after in @terms' order: for each term, the ones before it
 * equal and it past the key's value, NULLs first going up and last going
 * down, as SQLite sorts them.  A leading column known NOT NULL also gets a
 * plain range, so an index in that order seeks to the key rather than
 * walking up to it. */
static void
append_keyset (GString      *sql,
               sqlite3      *db,
               const char   *table,
               GArray       *terms,
               GVariant     *after,
               int           first_index)
{
  g_autoptr(GVariant) lead = g_variant_get_child_value (after, 0);
  g_autoptr(GVariant) lead_value = g_variant_get_variant (lead);
  const OrderTerm *t0 = &g_array_index (terms, OrderTerm, 0);

  if (!g_variant_is_of_type (lead_value, G_VARIANT_TYPE_UNIT) &&
      (!t0->desc || is_not_null_column (db, table, t0->expr)))
    g_string_append_printf (sql, " AND (%s) %s ?%d", t0->expr, t0->desc ? "<=" : ">=", first_index);

  g_string_append (sql, " AND (");
  for (guint i = 0; i < terms->len; i++)
    {
      const OrderTerm *t = &g_array_index (terms, OrderTerm, i);
      int k = first_index + (int) i;

      g_string_append (sql, i > 0 ? " OR (" : "(");
      for (guint j = 0; j < i; j++)
        g_string_append_printf (sql, "(%s) IS ?%d AND ", g_array_index (terms, OrderTerm, j).expr,
                                first_index + (int) j);
      if (t->desc)
        g_string_append_printf (sql, "((%s) IS NULL AND ?%d IS NOT NULL OR (%s) < ?%d))", t->expr, k, t->expr, k);
      else
        g_string_append_printf (sql, "(?%d IS NULL AND (%s) IS NOT NULL OR (%s) > ?%d))", k, t->expr, t->expr, k);
    }
  g_string_append (sql, ")");
}

static gboolean
query_ids_cb (ScimTx    *tx,
              gpointer   user_data,
              GError   **error)
{
  IdsData *data = user_data;
  const ScimQuery *query = data->query;
  const ListSpec *spec = &specs[query->kind];
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *like = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = _scim_store_get_db (tx->store);
  const char *order = spec->order;
  gint64 now = query->now != 0 ? query->now : g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GArray) terms = NULL;
  g_autoptr(GString) full = NULL;
  int rc, index = 1, after_index = 0;

  g_string_assign (sql, " WHERE 1");

  if (query->owner_id != 0 && spec->owner_column != NULL)
    g_string_append_printf (sql, " AND %s = %" G_GINT64_FORMAT, spec->owner_column, query->owner_id);
  if (query->product_id != 0 && (query->kind == SCIM_LIST_STAGES || query->kind == SCIM_LIST_SALES ||
                                 query->kind == SCIM_LIST_LEADS))
    g_string_append_printf (sql, " AND t.product_id = %" G_GINT64_FORMAT, query->product_id);
  /* The book of one product walks the book in its order and keeps that
   * product's events ("+": not by the sale index, which would sort them
   * all); its products are few, so a page is near. */
  if (query->product_id != 0 && (query->kind == SCIM_LIST_TASKS || query->kind == SCIM_LIST_EVENTS))
    g_string_append_printf (sql, " AND %st.sale_id IN (SELECT id FROM sales WHERE product_id = %" G_GINT64_FORMAT ")",
                            query->kind == SCIM_LIST_EVENTS ? "+" : "", query->product_id);
  if (query->kind == SCIM_LIST_SALES)
    {
      if (query->audience_id != 0)
        g_string_append_printf (sql, " AND t.client_id IN (SELECT id FROM clients WHERE audience_id = %" G_GINT64_FORMAT
                                ")", query->audience_id);
      if (query->since != 0)
        g_string_append_printf (sql, " AND t.created_at >= %" G_GINT64_FORMAT, query->since);
      if (query->until != 0)
        g_string_append_printf (sql, " AND t.created_at < %" G_GINT64_FORMAT, query->until);
    }
  if (query->lead_id != 0 && query->kind == SCIM_LIST_SALES)
    g_string_append_printf (sql, " AND t.lead_id = %" G_GINT64_FORMAT, query->lead_id);
  if (query->client_id != 0 && (query->kind == SCIM_LIST_SALES || query->kind == SCIM_LIST_CONTACTS))
    g_string_append_printf (sql, " AND t.client_id = %" G_GINT64_FORMAT, query->client_id);
  if (query->client_id != 0 && (query->kind == SCIM_LIST_TASKS || query->kind == SCIM_LIST_EVENTS))
    g_string_append_printf (sql, " AND t.sale_id IN (SELECT id FROM sales WHERE client_id = %" G_GINT64_FORMAT ")",
                            query->client_id);
  if (query->sale_id != 0 && (query->kind == SCIM_LIST_TASKS || query->kind == SCIM_LIST_EVENTS))
    g_string_append_printf (sql, " AND t.sale_id = %" G_GINT64_FORMAT, query->sale_id);
  if (query->state != NULL && spec->state_column != NULL)
    {
      g_string_append_printf (sql, " AND %s = ?%d", spec->state_column, index++);
      g_ptr_array_add (binds, g_strdup (query->state));
    }
  if (query->stage_id != 0 && query->kind == SCIM_LIST_SALES)
    g_string_append_printf (sql, " AND t.stage_id = %" G_GINT64_FORMAT, query->stage_id);
  if (query->stage_id != 0 && query->kind == SCIM_LIST_TASKS)
    g_string_append_printf (sql, " AND t.sale_id IN (SELECT id FROM sales WHERE stage_id = %" G_GINT64_FORMAT ")",
                            query->stage_id);
  if (query->kind == SCIM_LIST_TASKS && query->due != SCIM_DUE_ANY)
    order = append_due_filter (sql, query, now);
  if (query->kind == SCIM_LIST_SALES && query->signal != SCIM_SALE_SIGNAL_NONE)
    order = append_signal_filter (sql, query, now);
  if (query->kind == SCIM_LIST_TASKS && query->sale_id != 0)
    order = "t.position, t.id";
  if (query->kind == SCIM_LIST_EVENTS)
    append_event_filters (sql, binds, &index, query, tx->user_id);
  if (query->kind == SCIM_LIST_LEADS)
    {
      if (query->since != 0)
        g_string_append_printf (sql, " AND t.received_at >= %" G_GINT64_FORMAT, query->since);
      if (query->until != 0)
        g_string_append_printf (sql, " AND t.received_at < %" G_GINT64_FORMAT, query->until);
      if (query->source != NULL && query->source[0] != '\0')
        {
          g_string_append_printf (sql, " AND (t.source LIKE ?%d ESCAPE '\\' OR t.channel LIKE ?%d ESCAPE '\\')",
                                  index, index);
          index++;
          g_ptr_array_add (binds, escape_like (query->source));
        }
    }
  if (query->sort > 0)
    {
      const Sort *sorts = sorts_of (query->kind);

      for (guint n = 0; sorts != NULL && sorts[n].label != NULL; n++)
        if (n == query->sort && sorts[n].order != NULL)
          order = sorts[n].order;
    }
  if (query->search != NULL && query->search[0] != '\0' && spec->search_columns[0] != NULL)
    {
      int search_index = index++;
      g_autofree char *folded = scim_fold (query->search);
      g_autofree char *words = query->kind == SCIM_LIST_LEADS ? lead_search_words (folded) : NULL;

      /* Both sides folded: Cyrillic case and ё/е match as Latin case does. */
      like = escape_like (folded);
      g_ptr_array_add (binds, g_strdup (like));
      g_string_append (sql, " AND (");
      for (guint i = 0; spec->search_columns[i] != NULL; i++)
        g_string_append_printf (sql, "%sscim_fold (%s) LIKE ?%d ESCAPE '\\'", i > 0 ? " OR " : "",
                                spec->search_columns[i], search_index);
      g_string_append (sql, ")");
      /* The leads that hold every word of three letters or more, from the
       * trigram index of schema version 12, and those still queued for it;
       * the LIKE above decides. */
      if (words != NULL)
        {
          g_string_append_printf (sql, " AND (t.id IN (SELECT rowid FROM leads_search WHERE leads_search MATCH ?%d)"
                                  " OR t.id IN (SELECT lead_id FROM leads_search_queue))", index++);
          g_ptr_array_add (binds, g_steal_pointer (&words));
        }
    }
  terms = split_order (order);
  if (data->paged && data->after != NULL)
    {
      if (g_variant_n_children (data->after) != terms->len)
        {
          g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID, "The page key does not fit the list's order.");
          return FALSE;
        }
      after_index = index;
      append_keyset (sql, db, spec->table, terms, data->after, index);
    }

  /* Sales without a plan are read from their partial index in the list's
   * order; the planner would rather walk every sale of each stage. */
  full = g_string_new (data->sum ? "SELECT count(*), coalesce(sum(t.amount), 0)"
                       : data->count ? "SELECT count(*)" : "SELECT t.id");
  for (guint i = 0; data->paged && i < terms->len; i++)
    g_string_append_printf (full, ", %s", g_array_index (terms, OrderTerm, i).expr);
  g_string_append_printf (full, " FROM %s t%s%s", spec->table,
                          query->kind == SCIM_LIST_SALES && query->signal == SCIM_SALE_SIGNAL_NO_PLAN
                          ? " INDEXED BY sales_no_plan_entered" : "",
                          sql->str);
  if (!data->count)
    g_string_append_printf (full, " ORDER BY %s", order);
  if (data->paged && data->limit > 0)
    g_string_append_printf (full, " LIMIT %u", data->limit);

  rc = sqlite3_prepare_v2 (db, full->str, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      sqlite3_finalize (stmt);
      return _scim_store_set_error (tx->store, rc, error);
    }
  for (guint i = 0; i < binds->len; i++)
    sqlite3_bind_text (stmt, (int) i + 1, g_ptr_array_index (binds, i), -1, SQLITE_TRANSIENT);
  for (guint i = 0; after_index > 0 && i < terms->len; i++)
    {
      g_autoptr(GVariant) boxed = g_variant_get_child_value (data->after, i);
      g_autoptr(GVariant) value = g_variant_get_variant (boxed);

      bind_key (stmt, after_index + (int) i, value);
    }

  if (data->cancellable != NULL)
    sqlite3_progress_handler (db, 10000, progress_cancel_cb, data->cancellable);
  g_array_set_size (data->ids, 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (data->count)
        {
          data->n_rows = id;
          if (data->sum)
            data->amount = sqlite3_column_int64 (stmt, 1);
          continue;
        }
      g_array_append_val (data->ids, id);
      if (data->paged && (data->limit == 0 || data->ids->len == data->limit))
        {
          GVariantBuilder key;

          g_clear_pointer (&data->last_key, g_variant_unref);
          g_variant_builder_init (&key, G_VARIANT_TYPE ("av"));
          for (guint i = 0; i < terms->len; i++)
            g_variant_builder_add_value (&key, column_key (stmt, (int) i + 1));
          data->last_key = g_variant_ref_sink (g_variant_builder_end (&key));
        }
    }
  sqlite3_progress_handler (db, 0, NULL, NULL);
  _scim_store_finalize (tx->store, stmt);

  if (rc != SQLITE_DONE)
    return _scim_store_set_error (tx->store, rc, error);
  return TRUE;
}

/**
 * scim_store_query_page:
 * @store: a #ScimStore
 * @query: what to list
 * @after: (nullable): the key of the last row of the page before, from
 *   @last_key; %NULL for the first page
 * @limit: at most this many ids; 0 for all the rest
 * @last_key: (out) (optional) (transfer full) (nullable): the key of the
 *   last row of a page of @limit rows, for the next; %NULL when fewer came
 *   (the list ends here), or with @limit 0
 * @cancellable: (nullable): interrupts the query
 * @error: return location for an error
 *
 * A page of the ids in display order, found by key: the rows after the
 * last one of the page before in the list's order, never by an offset, so
 * a page costs its own rows however far down the list it is.  A row added
 * or removed above the key does not shift the next page.
 *
 * Returns: (transfer full) (element-type gint64): the ids of the page
 */
GArray *
scim_store_query_page (ScimStore        *store,
                       const ScimQuery  *query,
                       GVariant         *after,
                       guint             limit,
                       GVariant        **last_key,
                       GCancellable     *cancellable,
                       GError          **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  IdsData data = { query, cancellable, ids, TRUE, after, limit, NULL, FALSE, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  g_return_val_if_fail (query != NULL && query->kind < G_N_ELEMENTS (specs), NULL);
  g_return_val_if_fail (after == NULL || g_variant_is_of_type (after, G_VARIANT_TYPE ("av")), NULL);

  if (!_scim_store_read (store, query_ids_cb, &data, error))
    {
      g_clear_pointer (&data.last_key, g_variant_unref);
      return NULL;
    }
  /* A short page is the last. */
  if (limit == 0 || ids->len < limit)
    g_clear_pointer (&data.last_key, g_variant_unref);
  if (last_key != NULL)
    *last_key = g_steal_pointer (&data.last_key);
  g_clear_pointer (&data.last_key, g_variant_unref);
  return g_steal_pointer (&ids);
}

/**
 * scim_store_query_total:
 * @store: a #ScimStore
 * @query: sales to count
 * @count: (out): how many
 * @amount: (out): the sum of their amounts, in minor units
 * @cancellable: (nullable): interrupts the query
 * @error: return location for an error
 *
 * The count and the amount of a list of sales, such as a column of the
 * pipeline board, in one read.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
scim_store_query_total (ScimStore        *store,
                        const ScimQuery  *query,
                        gint64           *count,
                        gint64           *amount,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  IdsData data = { query, cancellable, ids, FALSE, NULL, 0, NULL, TRUE, 0, TRUE, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (query != NULL && query->kind == SCIM_LIST_SALES, FALSE);
  g_return_val_if_fail (count != NULL && amount != NULL, FALSE);

  if (!_scim_store_read (store, query_ids_cb, &data, error))
    return FALSE;
  *count = data.n_rows;
  *amount = data.amount;
  return TRUE;
}

/**
 * scim_store_query_count:
 * @store: a #ScimStore
 * @query: what to list
 * @cancellable: (nullable): interrupts the query
 * @error: return location for an error
 *
 * How many rows the list has in all, for its label; it reads the whole
 * list's index, so it runs after the first page, never before it.
 *
 * Returns: the count, or -1 with @error set
 */
gint64
scim_store_query_count (ScimStore        *store,
                        const ScimQuery  *query,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  IdsData data = { query, cancellable, ids, FALSE, NULL, 0, NULL, TRUE, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), -1);
  g_return_val_if_fail (query != NULL && query->kind < G_N_ELEMENTS (specs), -1);

  if (!_scim_store_read (store, query_ids_cb, &data, error))
    return -1;
  return data.n_rows;
}

/**
 * scim_store_query_ids:
 * @store: a #ScimStore
 * @query: what to list
 * @cancellable: (nullable): interrupts the query
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type gint64): the ids in display order
 */
GArray *
scim_store_query_ids (ScimStore        *store,
                      const ScimQuery  *query,
                      GCancellable     *cancellable,
                      GError          **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  IdsData data = { query, cancellable, ids, FALSE, NULL, 0, NULL, FALSE, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  g_return_val_if_fail (query != NULL && query->kind < G_N_ELEMENTS (specs), NULL);

  if (!_scim_store_read (store, query_ids_cb, &data, error))
    return NULL;
  return g_steal_pointer (&ids);
}

/* One row as `a{sv}`, its entries made directly: a GVariantBuilder would
 * parse a format string for each of them, which cost more than SQLite's
 * own work for a page of rows. */
/* Rows
 *
 * A row is an `a{sv}` of its columns, written here at once in GVariant's
 * serialised form (the GVariant specification's layout, which GLib reads
 * and writes): one buffer a row, where building it from a tree of
 * GVariants made three instances a column and cost five times the query
 * (tests/bench-budgets.c).  test-store compares the bytes with what GLib
 * makes of the same values. */

/* The size of a container with @n framing offsets after @body bytes: the
 * offsets take the fewest bytes that can address the whole container. */
static gsize
container_size (gsize body,
                gsize n)
{
  if (body + n <= G_MAXUINT8)
    return body + n;
  if (body + 2 * n <= G_MAXUINT16)
    return body + 2 * n;
  if (body + 4 * n <= G_MAXUINT32)
    return body + 4 * n;
  return body + 8 * n;
}

static guint
offset_width (gsize size)
{
  return size > G_MAXUINT32 ? 8 : size > G_MAXUINT16 ? 4 : size > G_MAXUINT8 ? 2 : size > 0 ? 1 : 0;
}

/* Framing offsets are little-endian whatever the machine. */
static void
put_offset (GByteArray *out,
            gsize       value,
            guint       width)
{
  guint8 bytes[8];

  for (guint i = 0; i < width; i++)
    bytes[i] = (guint8) (value >> (8 * i));
  g_byte_array_append (out, bytes, width);
}

static void
pad_to (GByteArray *out,
        gsize       start,
        gsize       alignment)
{
  static const guint8 zeros[8] = { 0 };
  gsize misplaced = (out->len - start) % alignment;

  if (misplaced != 0)
    g_byte_array_append (out, zeros, (guint) (alignment - misplaced));
}

/* One {sv} entry at the end of @out: the key, the variant (its value, a
 * zero byte and its type) at the next multiple of 8, the key's end as the
 * entry's one framing offset. */
static void
put_entry (GByteArray   *out,
           const char   *name,
           gsize         name_len,
           const void   *value,
           gsize         value_len,
           const char   *type)
{
  gsize entry_start, body;

  pad_to (out, 0, 8);   /* the row's entries start at multiples of 8 */
  entry_start = out->len;
  g_byte_array_append (out, (const guint8 *) name, (guint) name_len + 1);
  pad_to (out, entry_start, 8);
  g_byte_array_append (out, value, (guint) value_len);
  g_byte_array_append (out, (const guint8 *) "", 1);
  g_byte_array_append (out, (const guint8 *) type, (guint) strlen (type));
  body = out->len - entry_start;
  put_offset (out, name_len + 1, offset_width (container_size (body, 1)));
}

static gsize
read_offset (const guint8 *at,
             guint         width)
{
  gsize value = 0;

  for (guint i = 0; i < width; i++)
    value |= (gsize) at[i] << (8 * i);
  return value;
}

static gsize
align8 (gsize offset)
{
  return (offset + 7) & ~(gsize) 7;
}

/* The key, type and value bytes of the {sv} entry at @entry, @size bytes;
 * %FALSE when it is not in normal form. */
static gboolean
entry_parts (const guint8  *entry,
             gsize          size,
             const char   **key,
             char          *type,
             gsize          type_room,
             const guint8 **value,
             gsize         *value_size)
{
  guint width = offset_width (size);
  gsize key_end, start, end, nul;

  if (size <= width)
    return FALSE;
  key_end = read_offset (entry + size - width, width);
  end = size - width;
  if (key_end == 0 || key_end > end || entry[key_end - 1] != '\0')
    return FALSE;
  start = align8 (key_end);
  if (start >= end)
    return FALSE;
  /* The variant: its value, a zero byte, its type. */
  for (nul = end; nul > start && entry[nul - 1] != '\0'; nul--)
    ;
  if (nul == start || end - nul + 1 > type_room)
    return FALSE;
  memcpy (type, entry + nul, end - nul);
  type[end - nul] = '\0';
  *key = (const char *) entry;
  *value = entry + start;
  *value_size = nul - 1 - start;
  return TRUE;
}

/**
 * scim_row_lookup:
 * @row: an `a{sv}` row of scim_store_load_rows()
 * @key: a column
 *
 * The value of @key in @row, as g_variant_lookup_value() gives it, read
 * from the row's serialised form in place: g_variant_lookup_value() makes
 * an instance of every entry it passes (four a column), which took most of
 * the time of a CLI listing of 50,000 rows.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL
 */
GVariant *
scim_row_lookup (GVariant   *row,
                 const char *key)
{
  const guint8 *data;
  gsize size, table, n, start = 0;
  guint width;

  g_return_val_if_fail (row != NULL && g_variant_is_of_type (row, G_VARIANT_TYPE_VARDICT), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  data = g_variant_get_data (row);
  size = g_variant_get_size (row);
  if (size == 0)
    return NULL;
  width = offset_width (size);
  table = read_offset (data + size - width, width);
  if (table > size || (size - table) % width != 0)
    return g_variant_lookup_value (row, key, NULL);
  n = (size - table) / width;
  for (gsize i = 0; i < n; i++)
    {
      gsize end = read_offset (data + table + i * width, width);
      const char *name = NULL;
      const guint8 *value = NULL;
      gsize value_size = 0;
      char type[16];

      if (end < start || end > table ||
          !entry_parts (data + start, end - start, &name, type, sizeof type, &value, &value_size) ||
          !g_variant_type_string_is_valid (type))
        return g_variant_lookup_value (row, key, NULL);
      if (g_str_equal (name, key))
        return g_variant_ref_sink (g_variant_new_from_data (G_VARIANT_TYPE (type), value, value_size, TRUE,
                                                            (GDestroyNotify) g_variant_unref, g_variant_ref (row)));
      start = align8 (end);
    }
  return NULL;
}

/**
 * _scim_row_from_stmt:
 * @stmt: a statement on a row
 * @scratch: a byte array to reuse between rows (emptied here)
 * @ends: an array of gsize to reuse between rows (emptied here)
 *
 * The row @stmt stands on as `a{sv}`, keyed by column name; a unit `()`
 * for SQL NULL, text made valid UTF-8.
 *
 * Returns: (transfer full): the row, not floating
 */
GVariant *
_scim_row_from_stmt (sqlite3_stmt *stmt,
                     GByteArray   *scratch,
                     GArray       *ends)
{
  int n = sqlite3_column_count (stmt);
  g_autoptr(GBytes) bytes = NULL;
  gsize body;
  guint width;

  g_byte_array_set_size (scratch, 0);
  g_array_set_size (ends, 0);
  for (int i = 0; i < n; i++)
    {
      const char *name = sqlite3_column_name (stmt, i);
      gsize name_len = strlen (name);
      gint64 integer;
      double real;
      gsize end;

      switch (sqlite3_column_type (stmt, i))
        {
        case SQLITE_INTEGER:
          integer = sqlite3_column_int64 (stmt, i);
          put_entry (scratch, name, name_len, &integer, sizeof integer, "x");
          break;
        case SQLITE_FLOAT:
          real = sqlite3_column_double (stmt, i);
          put_entry (scratch, name, name_len, &real, sizeof real, "d");
          break;
        case SQLITE_TEXT:
          {
            const char *text = (const char *) sqlite3_column_text (stmt, i);
            int len = sqlite3_column_bytes (stmt, i);
            g_autofree char *valid = NULL;

            if (!g_utf8_validate_len (text, (gsize) len, NULL))
              text = valid = g_utf8_make_valid (text, len);
            put_entry (scratch, name, name_len, text, strlen (text) + 1, "s");
          }
          break;
        case SQLITE_NULL:
        default:
          put_entry (scratch, name, name_len, "", 1, "()");
          break;
        }
      end = scratch->len;
      g_array_append_val (ends, end);
    }

  body = scratch->len;
  width = offset_width (container_size (body, (gsize) n));
  for (int i = 0; i < n; i++)
    put_offset (scratch, g_array_index (ends, gsize, i), width);
  bytes = g_bytes_new_take (g_memdup2 (scratch->data, scratch->len), scratch->len);
  return g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, TRUE));
}

typedef struct
{
  ScimListKind  kind;
  const gint64 *ids;
  guint         n_ids;
  GPtrArray    *rows;
  gboolean      listing;
} RowsData;

/* @sql prepared with the JSON array of @ids bound to ?1 and, for rows that
 * depend on who looks and when (the events' unread and planned), the
 * viewer to ?2 and the time to ?3. */
static sqlite3_stmt *
prepare_for_ids (ScimTx        *tx,
                 const char    *sql,
                 const gint64  *ids,
                 guint          n_ids,
                 GError       **error)
{
  g_autoptr(GString) json = g_string_sized_new (n_ids * 8 + 2);
  sqlite3_stmt *stmt;

  g_string_append_c (json, '[');
  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", ids[i]);
  g_string_append_c (json, ']');

  stmt = _scim_store_prepare (tx->store, sql, error);
  if (stmt == NULL)
    return NULL;
  _scim_stmt_bind (stmt, "s", json->str);
  if (sqlite3_bind_parameter_count (stmt) >= 3)
    {
      sqlite3_bind_int64 (stmt, 2, tx->user_id);
      sqlite3_bind_int64 (stmt, 3, tx->now);
    }
  return stmt;
}

static gboolean
load_rows_cb (ScimTx    *tx,
              gpointer   user_data,
              GError   **error)
{
  RowsData *data = user_data;
  g_autoptr(GByteArray) scratch = NULL;
  g_autoptr(GArray) ends = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare_for_ids (tx,
                          data->listing && specs[data->kind].listing_sql != NULL ? specs[data->kind].listing_sql
                                                                                 : specs[data->kind].rows_sql,
                          data->ids, data->n_ids, error);
  if (stmt == NULL)
    return FALSE;

  g_ptr_array_set_size (data->rows, 0);
  scratch = g_byte_array_sized_new (1024);
  ends = g_array_new (FALSE, FALSE, sizeof (gsize));
  while ((rc = _scim_store_step (tx->store, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (data->rows, _scim_row_from_stmt (stmt, scratch, ends));
  return rc == SQLITE_DONE;
}

static GPtrArray *
load_rows (ScimStore     *store,
           ScimListKind   kind,
           const gint64  *ids,
           guint          n_ids,
           gboolean       listing,
           GError       **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  RowsData data = { kind, ids, n_ids, rows, listing };

  g_return_val_if_fail (SCIM_IS_STORE (store), NULL);
  g_return_val_if_fail (kind < G_N_ELEMENTS (specs), NULL);

  if (!_scim_store_read (store, load_rows_cb, &data, error))
    return NULL;
  return g_steal_pointer (&rows);
}

/**
 * scim_store_load_rows:
 * @store: a #ScimStore
 * @kind: the list
 * @ids: (array length=n_ids): the rows to load
 * @n_ids: how many
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type GVariant): one `a{sv}` per row
 *   found, in no particular order; each has an "id"
 */
GPtrArray *
scim_store_load_rows (ScimStore     *store,
                      ScimListKind   kind,
                      const gint64  *ids,
                      guint          n_ids,
                      GError       **error)
{
  return load_rows (store, kind, ids, n_ids, FALSE, error);
}

/**
 * scim_store_load_listing_rows:
 * @store: a #ScimStore
 * @kind: the list
 * @ids: (array length=n_ids): the rows to load
 * @n_ids: how many
 * @error: return location for an error
 *
 * scim_store_load_rows() for a listing of many rows, as the CLI prints
 * them: without the columns a table works out for each row on screen (a
 * lead's likely duplicates).
 *
 * Returns: (transfer full) (element-type GVariant): one `a{sv}` per row
 *   found, in no particular order; each has an "id"
 */
GPtrArray *
scim_store_load_listing_rows (ScimStore     *store,
                              ScimListKind   kind,
                              const gint64  *ids,
                              guint          n_ids,
                              GError       **error)
{
  return load_rows (store, kind, ids, n_ids, TRUE, error);
}

struct _ScimRowCursor
{
  sqlite3_stmt *stmt;
  GHashTable   *columns;  /* name → index + 1 */
  char         *valid;    /* the last text made valid UTF-8 */
};

/**
 * scim_row_cursor_find:
 * @cursor: the row a #ScimRowFunc is given
 * @name: a column's name, as scim_row_lookup() knows it
 *
 * Returns: the column's index for the other calls, or -1 when the row has
 *   no such column
 */
int
scim_row_cursor_find (ScimRowCursor *cursor,
                      const char    *name)
{
  g_return_val_if_fail (cursor != NULL && name != NULL, -1);

  if (cursor->columns == NULL)
    {
      int n = sqlite3_column_count (cursor->stmt);

      cursor->columns = g_hash_table_new (g_str_hash, g_str_equal);
      for (int i = n - 1; i >= 0; i--)
        g_hash_table_insert (cursor->columns, (gpointer) sqlite3_column_name (cursor->stmt, i),
                             GINT_TO_POINTER (i + 1));
    }
  return GPOINTER_TO_INT (g_hash_table_lookup (cursor->columns, name)) - 1;
}

/**
 * scim_row_cursor_get_int:
 * @cursor: the row a #ScimRowFunc is given
 * @column: from scim_row_cursor_find(); -1 is a column without a value
 * @value: (out) (optional): the integer
 *
 * Returns: %TRUE when the column holds an integer (not %NULL, not text)
 */
gboolean
scim_row_cursor_get_int (ScimRowCursor *cursor,
                         int            column,
                         gint64        *value)
{
  g_return_val_if_fail (cursor != NULL, FALSE);

  if (column < 0 || column >= sqlite3_column_count (cursor->stmt) ||
      sqlite3_column_type (cursor->stmt, column) != SQLITE_INTEGER)
    return FALSE;
  if (value != NULL)
    *value = sqlite3_column_int64 (cursor->stmt, column);
  return TRUE;
}

/**
 * scim_row_cursor_get_text:
 * @cursor: the row a #ScimRowFunc is given
 * @column: from scim_row_cursor_find(); -1 is a column without a value
 *
 * Returns: (transfer none) (nullable): the column's text, valid UTF-8,
 *   until the next call on @cursor; %NULL unless the column holds text
 */
const char *
scim_row_cursor_get_text (ScimRowCursor *cursor,
                          int            column)
{
  const char *text;
  int len;

  g_return_val_if_fail (cursor != NULL, NULL);

  if (column < 0 || column >= sqlite3_column_count (cursor->stmt) ||
      sqlite3_column_type (cursor->stmt, column) != SQLITE_TEXT)
    return NULL;
  text = (const char *) sqlite3_column_text (cursor->stmt, column);
  len = sqlite3_column_bytes (cursor->stmt, column);
  g_clear_pointer (&cursor->valid, g_free);
  if (text != NULL && !g_utf8_validate_len (text, (gsize) len, NULL))
    text = cursor->valid = g_utf8_make_valid (text, len);
  return text;
}

typedef struct
{
  ScimListKind   kind;
  const gint64  *ids;
  guint          n_ids;
  ScimRowFunc    func;
  gpointer       user_data;
} EachData;

/* The listing's rows in the order of the ids: the array's own index
 * (json_each's key) orders them; ?1 is the same array inside.  Made once
 * for the process, as the store keeps its statements by their SQL text
 * without copying it. */
static const char *
ordered_listing_sql (ScimListKind kind)
{
  static gsize made[G_N_ELEMENTS (specs)];
  static char *sql[G_N_ELEMENTS (specs)];

  if (g_once_init_enter (&made[kind]))
    {
      const ListSpec *spec = &specs[kind];

      sql[kind] = g_strdup_printf ("SELECT l.* FROM json_each(?1) j CROSS JOIN (%s) l ON l.id = j.value "
                                   "ORDER BY j.key",
                                   spec->listing_sql != NULL ? spec->listing_sql : spec->rows_sql);
      g_once_init_leave (&made[kind], 1);
    }
  return sql[kind];
}

static gboolean
each_listing_row_cb (ScimTx    *tx,
                     gpointer   user_data,
                     GError   **error)
{
  EachData *data = user_data;
  ScimRowCursor cursor = { NULL, NULL, NULL };
  int rc;

  cursor.stmt = prepare_for_ids (tx, ordered_listing_sql (data->kind), data->ids, data->n_ids, error);
  if (cursor.stmt == NULL)
    return FALSE;
  while ((rc = _scim_store_step (tx->store, cursor.stmt, error)) == SQLITE_ROW)
    data->func (&cursor, data->user_data);
  g_clear_pointer (&cursor.columns, g_hash_table_unref);
  g_free (cursor.valid);
  return rc == SQLITE_DONE;
}

/**
 * scim_store_each_listing_row:
 * @store: a #ScimStore
 * @kind: the list
 * @ids: (array length=n_ids): the rows, in the order wanted
 * @n_ids: how many
 * @func: (scope call): called for each row found, in the order of @ids
 * @user_data: for @func
 * @error: return location for an error
 *
 * The rows of scim_store_load_listing_rows(), read where they stand: @func
 * reads the columns it prints through the cursor, and no row is built.
 * For printing long lists (the CLI); a row deleted since the ids were read
 * is left out.  @func runs inside the read and must not call the store.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
scim_store_each_listing_row (ScimStore     *store,
                             ScimListKind   kind,
                             const gint64  *ids,
                             guint          n_ids,
                             ScimRowFunc    func,
                             gpointer       user_data,
                             GError       **error)
{
  EachData data = { kind, ids, n_ids, func, user_data };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (kind < G_N_ELEMENTS (specs), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return _scim_store_read (store, each_listing_row_cb, &data, error);
}

/**
 * scim_store_list:
 * @store: a #ScimStore
 * @query: what to list
 * @error: return location for an error
 *
 * Loads a whole list at once; for short lists (users, products, stages).
 *
 * Returns: (transfer full): a #GListStore of loaded records
 */
GListModel *
scim_store_list (ScimStore        *store,
                 const ScimQuery  *query,
                 GError          **error)
{
  GType type = scim_list_kind_get_record_type (query->kind);
  g_autoptr(GListStore) list = g_list_store_new (type);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) by_id = NULL;

  ids = scim_store_query_ids (store, query, NULL, error);
  if (ids == NULL)
    return NULL;
  rows = scim_store_load_rows (store, query->kind, (const gint64 *) (gpointer) ids->data, ids->len, error);
  if (rows == NULL)
    return NULL;

  by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < rows->len; i++)
    {
      GVariant *row = g_ptr_array_index (rows, i);
      gint64 *id = g_new (gint64, 1);

      if (g_variant_lookup (row, "id", "x", id))
        g_hash_table_insert (by_id, id, row);
      else
        g_free (id);
    }
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      GVariant *row = g_hash_table_lookup (by_id, &id);
      g_autoptr(ScimRecord) record = NULL;

      if (row == NULL)
        continue;
      record = scim_record_new (type, id);
      scim_record_update (record, row);
      g_list_store_append (list, record);
    }
  return G_LIST_MODEL (g_steal_pointer (&list));
}

/**
 * scim_list_kind_get_table:
 * @kind: a list
 *
 * Returns: the table its records live in, as a #ScimChange names it
 */
const char *
scim_list_kind_get_table (ScimListKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (specs), NULL);
  return specs[kind].table;
}

typedef struct
{
  ScimListKind kind;
  gint64       id;
  char        *who;
  gint64       at;
} LastChange;

static gboolean
last_change_cb (ScimTx    *tx,
                gpointer   user_data,
                GError   **error)
{
  LastChange *data = user_data;
  sqlite3_stmt *stmt;
  int rc;

  stmt = _scim_store_prepare (tx->store,
                              "SELECT c.at, " USER_NAME ("u") " FROM change_log c "
                              "LEFT JOIN users u ON u.id = c.user_id "
                              "WHERE c.entity = ? AND c.entity_id = ? ORDER BY c.seq DESC LIMIT 1",
                              error);
  if (stmt == NULL)
    return FALSE;
  _scim_stmt_bind (stmt, "sI", specs[data->kind].table, data->id);
  rc = _scim_store_step (tx->store, stmt, error);
  if (rc == SQLITE_ROW)
    {
      data->at = sqlite3_column_int64 (stmt, 0);
      if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
        data->who = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      sqlite3_reset (stmt);
    }
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/**
 * scim_store_last_change:
 * @store: a #ScimStore
 * @kind: the record's list
 * @id: the record
 * @who: (out) (transfer full) (nullable): who changed it last, as people
 *   read the name; %NULL when unknown
 * @at: (out): when, UTC seconds; 0 when unknown
 * @error: return location for an error
 *
 * Returns: %TRUE when read (even if nothing was logged)
 */
gboolean
scim_store_last_change (ScimStore     *store,
                        ScimListKind   kind,
                        gint64         id,
                        char         **who,
                        gint64        *at,
                        GError       **error)
{
  LastChange data = { kind, id, NULL, 0 };

  g_return_val_if_fail (SCIM_IS_STORE (store), FALSE);
  g_return_val_if_fail (kind < G_N_ELEMENTS (specs), FALSE);
  if (!_scim_store_read (store, last_change_cb, &data, error))
    {
      g_free (data.who);
      return FALSE;
    }
  *who = data.who;
  *at = data.at;
  return TRUE;
}
