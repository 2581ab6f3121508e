/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-cli-sales"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "scim-cli.h"

/* The Plan & control commands: `sales list`, `sale show`, `sale move`,
 * `tasks` (a list), `tasks add` and `tasks done`.  The rules are the
 * core's, as in the GUI.  Lists are read a batch of rows at a time and
 * printed whole; people appear by login, as --owner takes them; dates are
 * YYYY-MM-DD, moments YYYY-MM-DDTHH:MM, local time. */

/* Options that take a value, so the subcommand is found after them. */
static const char * const value_options[] = {
  "--db", "--user", "--format", "--owner", "--product", "--signal", "--idle-days", "--due", "--state", "--sale",
  "--title", "--notes", "--result", "--reason", "--until", NULL,
};

static char *opt_format;
static char *opt_owner;
static char *opt_product;
static char *opt_signal;
static int opt_idle_days;
static char *opt_due;
static char *opt_state;
static gint64 opt_sale;
static char *opt_title;
static char *opt_notes;
static char *opt_result;
static gboolean opt_failed;
static gint64 opt_if_version;
static char *opt_reason;
static char *opt_until;
static char *opt_from;

typedef enum
{
  COL_TEXT,
  COL_INT,
  COL_MONEY,     /* minor units; formatted in text */
  COL_TIME,      /* a moment: YYYY-MM-DDTHH:MM */
  COL_DATE,      /* a day: YYYY-MM-DD */
  COL_DUE,       /* due_at as a day or a moment, after due_has_time */
  COL_LOGIN,     /* a user id, shown as the login */
  COL_STATE,     /* a task state; translated in text */
} ColType;

typedef struct
{
  const char *key;     /* JSON key and CSV header */
  const char *field;   /* in the row */
  ColType     type;
  const char *title;   /* text header */
} Column;

#define TEXT_MAX_WIDTH 40
#define BATCH 500

/* Helpers */

static gboolean
parse (const char          *name,
       const char          *parameters,
       const char          *summary,
       const GOptionEntry  *entries,
       int                 *argc,
       char              ***argv,
       int                  n_args,
       int                 *code)
{
  g_autoptr(GOptionContext) context = scim_cli_context (name, parameters, summary, entries);

  if (!scim_cli_parse (context, argc, argv, code))
    return FALSE;
  if (*argc - 1 != n_args)
    {
      if (n_args == 0)
        *code = scim_cli_fail (SCIM_CLI_USAGE, _("%s takes no arguments."), name);
      else
        *code = scim_cli_fail (SCIM_CLI_USAGE, _("%s needs the arguments %s."), name, parameters);
      return FALSE;
    }
  return TRUE;
}

static int
fail_with (const GError *error)
{
  return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
}

static gboolean
parse_id (const char *text,
          const char *what,
          gint64     *id,
          int        *code)
{
  char *end = NULL;
  gint64 value = g_ascii_strtoll (text, &end, 10);

  if (end == text || *end != '\0' || value <= 0)
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, _("%s: “%s” is not a number."), what, text);
      return FALSE;
    }
  *id = value;
  return TRUE;
}

/* YYYY-MM-DD (the local midnight that begins the day) or YYYY-MM-DDTHH:MM,
 * local time. */
static gboolean
parse_date (const char *text,
            const char *what,
            gint64     *at,
            gboolean   *has_time,
            int        *code)
{
  g_autoptr(GDateTime) dt = NULL;
  int y, m, d, hh = 0, mm = 0, n = 0;
  gboolean with_time = FALSE;

  if (sscanf (text, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10 && text[n] == '\0')
    dt = g_date_time_new_local (y, m, d, 0, 0, 0);
  else if (sscanf (text, "%4d-%2d-%2dT%2d:%2d%n", &y, &m, &d, &hh, &mm, &n) == 5 && n == 16 && text[n] == '\0')
    {
      dt = g_date_time_new_local (y, m, d, hh, mm, 0);
      with_time = TRUE;
    }
  if (dt == NULL || g_date_time_get_day_of_month (dt) != d || g_date_time_get_hour (dt) != hh)
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, _("%s: “%s” is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM."),
                             what, text);
      return FALSE;
    }
  *at = g_date_time_to_unix (dt);
  if (has_time != NULL)
    *has_time = with_time;
  return TRUE;
}

static char *
format_time (gint64      at,
             const char *format)
{
  return scim_format_time (at, format);
}

static gint64
find_user_id (ScimStore  *store,
              const char *login,
              int        *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimUser) user = scim_store_find_user (store, login, &error);

  if (user == NULL)
    {
      *code = fail_with (error);
      return 0;
    }
  return scim_record_get_id (SCIM_RECORD (user));
}

/* A cell of the integer @n in @column, as text. */
static char *
int_cell (const Column  *column,
          gint64         n,
          gboolean       has_time,
          ScimCliFormat  format,
          GHashTable    *logins)
{
  switch (column->type)
    {
    case COL_MONEY:
      return format == SCIM_CLI_FORMAT_TEXT ? scim_format_money (n) : g_strdup_printf ("%" G_GINT64_FORMAT, n);
    case COL_TIME:
      return n != 0 ? format_time (n, "%Y-%m-%dT%H:%M") : NULL;
    case COL_DATE:
      return n != 0 ? format_time (n, "%Y-%m-%d") : NULL;
    case COL_DUE:
      return n != 0 ? format_time (n, has_time ? "%Y-%m-%dT%H:%M" : "%Y-%m-%d") : NULL;
    case COL_LOGIN:
      return g_strdup (g_hash_table_lookup (logins, &n));
    case COL_TEXT:
    case COL_STATE:
    case COL_INT:
    default:
      return g_strdup_printf ("%" G_GINT64_FORMAT, n);
    }
}

/* The value of a cell, or %NULL when it has none (JSON null). */
static char *
cell (GVariant      *row,
      const Column  *column,
      ScimCliFormat  format,
      GHashTable    *logins)
{
  g_autoptr(GVariant) v = scim_row_lookup (row, column->field);
  gint64 n;

  if (v == NULL)
    return NULL;
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    {
      const char *text = g_variant_get_string (v, NULL);

      if (column->type == COL_STATE && format == SCIM_CLI_FORMAT_TEXT)
        return g_strdup (scim_format_state (text));
      return g_strdup (text);
    }
  if (!g_variant_is_of_type (v, G_VARIANT_TYPE_INT64))
    return NULL;
  n = g_variant_get_int64 (v);
  return int_cell (column, n, column->type == COL_DUE && scim_cli_row_int (row, "due_has_time") != 0, format,
                   logins);
}

static void
csv_field (GString    *out,
           const char *text)
{
  if (text[strcspn (text, ",\"\r\n")] == '\0' && !g_ascii_isspace (text[0]) &&
      (text[0] == '\0' || !g_ascii_isspace (text[strlen (text) - 1])))
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
text_cell (GString    *out,
           const char *value,
           glong       width,
           gboolean    last)
{
  g_autofree char *flat = g_strdup (value != NULL ? value : "");
  glong len;

  g_strdelimit (flat, "\r\n\t", ' ');
  len = g_utf8_strlen (flat, -1);
  if (len > width)
    {
      *g_utf8_offset_to_pointer (flat, width - 1) = '\0';
      g_string_append (out, flat);
      g_string_append (out, "…");
      len = width;
    }
  else
    g_string_append (out, flat);
  if (!last)
    for (; len < width + 2; len++)
      g_string_append_c (out, ' ');
}

static void
json_value (GString      *out,
            const Column *column,
            const char   *value)
{
  if (value == NULL)
    g_string_append (out, "null");
  else if (column->type == COL_INT || column->type == COL_MONEY)
    g_string_append (out, value);
  else
    scim_cli_json_string (out, value);
}

/* The value of a cell where @cursor stands, as cell() makes it. */
static char *
cursor_cell (ScimRowCursor *cursor,
             const Column  *column,
             int            index,
             int            due_has_time,
             ScimCliFormat  format,
             GHashTable    *logins)
{
  const char *text = scim_row_cursor_get_text (cursor, index);
  gint64 n = 0, has_time = 0;

  if (text != NULL)
    return g_strdup (column->type == COL_STATE && format == SCIM_CLI_FORMAT_TEXT ? scim_format_state (text) : text);
  if (!scim_row_cursor_get_int (cursor, index, &n))
    return NULL;
  if (column->type == COL_DUE)
    scim_row_cursor_get_int (cursor, due_has_time, &has_time);
  return int_cell (column, n, has_time != 0, format, logins);
}

/* A batch of rows as their cells' text, row after row: the id, then one
 * cell per column, %NULL for a cell without a value. */
typedef struct
{
  const Column  *columns;
  guint          n_columns;
  ScimCliFormat  format;
  GHashTable    *logins;
  GPtrArray     *cells;
  int           *index;          /* of each column in the statement */
  int            id_index;
  int            due_has_time_index;
  gboolean       resolved;       /* the indexes, on the batch's first row */
} Collect;

static void
collect_row_cb (ScimRowCursor *cursor,
                gpointer       user_data)
{
  Collect *collect = user_data;
  gint64 id = 0;

  if (!collect->resolved)
    {
      collect->id_index = scim_row_cursor_find (cursor, "id");
      collect->due_has_time_index = scim_row_cursor_find (cursor, "due_has_time");
      for (guint c = 0; c < collect->n_columns; c++)
        collect->index[c] = scim_row_cursor_find (cursor, collect->columns[c].field);
      collect->resolved = TRUE;
    }
  scim_row_cursor_get_int (cursor, collect->id_index, &id);
  g_ptr_array_add (collect->cells, g_strdup_printf ("%" G_GINT64_FORMAT, id));
  for (guint c = 0; c < collect->n_columns; c++)
    g_ptr_array_add (collect->cells, cursor_cell (cursor, &collect->columns[c], collect->index[c],
                                                  collect->due_has_time_index, collect->format, collect->logins));
}

/* Prints the rows of @ids whole, a batch at a time, in the order of @ids;
 * each batch is read through the listing's cursor, so no row is built.
 * Text columns are as wide as in the first batch, at most TEXT_MAX_WIDTH. */
static gboolean
print_list (ScimStore      *store,
            ScimListKind    kind,
            GArray         *ids,
            const Column   *columns,
            guint           n_columns,
            ScimCliFormat   format,
            GHashTable     *logins,
            GError        **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree glong *widths = g_new0 (glong, n_columns + 1);
  g_autofree int *index = g_new0 (int, n_columns);
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  Collect collect = { columns, n_columns, format, logins, cells, index, -1, -1, FALSE };
  guint stride = n_columns + 1;
  guint printed = 0;

  if (format == SCIM_CLI_FORMAT_CSV)
    {
      g_string_append (out, "id");
      for (guint c = 0; c < n_columns; c++)
        {
          g_string_append_c (out, ',');
          csv_field (out, columns[c].key);
        }
      g_string_append (out, "\r\n");
    }
  else if (format == SCIM_CLI_FORMAT_JSON)
    g_string_append_c (out, '[');

  for (guint start = 0; start < ids->len || (start == 0 && format == SCIM_CLI_FORMAT_TEXT); start += BATCH)
    {
      guint n = MIN (BATCH, ids->len - start);
      guint n_rows;

      /* A row deleted since the ids were read is left out. */
      g_ptr_array_set_size (cells, 0);
      collect.resolved = FALSE;
      if (n > 0 &&
          !scim_store_each_listing_row (store, kind, &g_array_index (ids, gint64, start), n, collect_row_cb,
                                        &collect, error))
        return FALSE;
      n_rows = cells->len / stride;

      if (format == SCIM_CLI_FORMAT_TEXT && start == 0)
        {
          widths[0] = MAX (2, (glong) strlen ("ID"));
          for (guint c = 0; c < n_columns; c++)
            widths[c + 1] = g_utf8_strlen (_(columns[c].title), -1);
          for (guint i = 0; i < n_rows; i++)
            {
              char **row = (char **) &cells->pdata[i * stride];

              widths[0] = MAX (widths[0], (glong) strlen (row[0]));
              for (guint c = 0; c < n_columns; c++)
                widths[c + 1] = MIN (TEXT_MAX_WIDTH,
                                     MAX (widths[c + 1], row[c + 1] != NULL ? g_utf8_strlen (row[c + 1], -1) : 0));
            }
          text_cell (out, "ID", widths[0], FALSE);
          for (guint c = 0; c < n_columns; c++)
            text_cell (out, _(columns[c].title), widths[c + 1], c + 1 == n_columns);
          g_strchomp (out->str);
          out->len = strlen (out->str);
          g_string_append_c (out, '\n');
        }

      for (guint i = 0; i < n_rows; i++)
        {
          char **row = (char **) &cells->pdata[i * stride];
          gsize line_start = out->len;

          if (format == SCIM_CLI_FORMAT_JSON)
            g_string_append_printf (out, "%s\n  {\"id\": %s", printed > 0 ? "," : "", row[0]);
          else if (format == SCIM_CLI_FORMAT_CSV)
            g_string_append (out, row[0]);
          else
            text_cell (out, row[0], widths[0], FALSE);
          for (guint c = 0; c < n_columns; c++)
            {
              const char *value = row[c + 1];

              if (format == SCIM_CLI_FORMAT_JSON)
                {
                  g_string_append (out, ", ");
                  scim_cli_json_string (out, columns[c].key);
                  g_string_append (out, ": ");
                  json_value (out, &columns[c], value);
                }
              else if (format == SCIM_CLI_FORMAT_CSV)
                {
                  g_string_append_c (out, ',');
                  csv_field (out, value != NULL ? value : "");
                }
              else
                text_cell (out, value, widths[c + 1], c + 1 == n_columns);
            }
          if (format == SCIM_CLI_FORMAT_JSON)
            g_string_append_c (out, '}');
          else if (format == SCIM_CLI_FORMAT_CSV)
            g_string_append (out, "\r\n");
          else
            {
              while (out->len > line_start && out->str[out->len - 1] == ' ')
                g_string_truncate (out, out->len - 1);
              g_string_append_c (out, '\n');
            }
          printed++;
        }
      fwrite (out->str, 1, out->len, stdout);
      g_string_truncate (out, 0);
      if (ids->len == 0)
        break;
    }
  if (format == SCIM_CLI_FORMAT_JSON)
    g_string_append (out, printed > 0 ? "\n]\n" : "]\n");
  fwrite (out->str, 1, out->len, stdout);
  return TRUE;
}

/* sales list */

static const Column sale_columns[] = {
  { "client", "client", COL_TEXT, N_("Client") },
  { "product", "product", COL_TEXT, N_("Product") },
  { "stage", "stage", COL_TEXT, N_("Stage") },
  { "owner", "owner_id", COL_LOGIN, N_("Salesperson") },
  { "amount", "amount", COL_MONEY, N_("Amount") },
  { "open_tasks", "open_tasks", COL_INT, N_("Open tasks") },
  { "stage_entered", "stage_entered_at", COL_TIME, N_("At stage since") },
  { "last_activity", "last_activity_at", COL_TIME, N_("Last activity") },
};

static const GOptionEntry sales_list_entries[] = {
  { "owner", 0, 0, G_OPTION_ARG_STRING, &opt_owner, N_("Only the sales of this salesperson"), N_("LOGIN") },
  { "product", 0, 0, G_OPTION_ARG_STRING, &opt_product, N_("Only the sales of this product"), N_("NAME") },
  { "signal", 0, 0, G_OPTION_ARG_STRING, &opt_signal,
    N_("no-plan: sales that are not lost and have no planned task; idle: sales in work without activity "
       "(a stage move, a closed task, a sales-book event) for --idle-days days"), N_("SIGNAL") },
  { "idle-days", 0, 0, G_OPTION_ARG_INT, &opt_idle_days, N_("Days without activity for --signal idle (default: 14)"),
    N_("DAYS") },
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, N_("text, csv or json (default: text)"), N_("FORMAT") },
  { NULL }
};

static int
cmd_sales_list (ScimCliGlobals  *g,
                int              argc,
                char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_SALES);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GHashTable) logins = NULL;
  g_autoptr(GError) error = NULL;
  ScimCliFormat format;
  int code = SCIM_CLI_OK;

  if (!parse ("sales list", NULL,
              _("List sales: client, product, stage, salesperson, amount (in minor units in CSV and JSON), "
                "open tasks, since when at the stage and the last activity. Idle sales come longest idle first, "
                "others by the time they entered their stage, newest first."),
              sales_list_entries, &argc, &argv, 0, &code))
    return code;
  if (!scim_cli_parse_format (opt_format, &format, &code))
    return code;
  if (opt_signal != NULL && g_str_equal (opt_signal, "no-plan"))
    query->signal = SCIM_SALE_SIGNAL_NO_PLAN;
  else if (opt_signal != NULL && g_str_equal (opt_signal, "idle"))
    query->signal = SCIM_SALE_SIGNAL_IDLE;
  else if (opt_signal != NULL)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--signal: “%s” is not no-plan or idle."), opt_signal);
  if (opt_idle_days < 0)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--idle-days: the number of days cannot be negative."));
  query->idle_days = (guint) opt_idle_days;

  store = scim_cli_open_store (g, SCIM_STORE_NONE, FALSE, &code);
  if (store == NULL)
    return code;
  if (opt_owner != NULL && (query->owner_id = find_user_id (store, opt_owner, &code)) == 0)
    return code;
  if (opt_product != NULL)
    {
      g_autoptr(ScimProduct) product = scim_store_find_product (store, opt_product, &error);

      if (product == NULL)
        return fail_with (error);
      query->product_id = scim_record_get_id (SCIM_RECORD (product));
    }

  if ((logins = scim_cli_load_logins (store, &error)) == NULL ||
      (ids = scim_store_query_ids (store, query, NULL, &error)) == NULL ||
      !print_list (store, SCIM_LIST_SALES, ids, sale_columns, G_N_ELEMENTS (sale_columns), format, logins, &error))
    return fail_with (error);
  return SCIM_CLI_OK;
}

static const ScimCliSubcommand sales_subcommands[] = {
  { "list", "list [--owner LOGIN] [--product NAME] [--signal SIGNAL] [--format FORMAT]", N_("List sales"),
    cmd_sales_list },
  { NULL }
};

static int
cmd_sales (ScimCliGlobals  *g,
           int              argc,
           char           **argv)
{
  return scim_cli_run_subcommand ("sales", sales_subcommands, value_options, NULL, g, argc, argv);
}

/* sale show, sale move */

static const GOptionEntry format_entries[] = {
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, N_("text or json (default: text)"), N_("FORMAT") },
  { NULL }
};

static void
json_pair (GString    *out,
           const char *key,
           const char *value,
           gboolean    first)
{
  if (!first)
    g_string_append (out, ", ");
  scim_cli_json_string (out, key);
  g_string_append (out, ": ");
  if (value == NULL)
    g_string_append (out, "null");
  else
    scim_cli_json_string (out, value);
}

static void
json_int_pair (GString    *out,
               const char *key,
               gint64      value)
{
  g_string_append (out, ", ");
  scim_cli_json_string (out, key);
  g_string_append_printf (out, ": %" G_GINT64_FORMAT, value);
}

static const Column plan_columns[] = {
  { "title", "title", COL_TEXT, N_("Task") },
  { "owner", "owner_id", COL_LOGIN, N_("Owner") },
  { "due", "due_at", COL_DUE, N_("Due") },
  { "state", "state", COL_STATE, N_("State") },
  { "result", "result", COL_TEXT, N_("Result") },
};

static int
cmd_sale_show (ScimCliGlobals  *g,
               int              argc,
               char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimSale) sale = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_TASKS);
  g_autoptr(GArray) task_ids = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GHashTable) logins = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *entered = NULL;
  ScimRecord *record;
  ScimCliFormat format;
  gint64 sale_id, owner_id;
  int code = SCIM_CLI_OK;

  if (!parse ("sale show", "ID",
              _("Show a sale: client, product, salesperson, amount, stage, its stage history and its plan."),
              format_entries, &argc, &argv, 1, &code))
    return code;
  if (!scim_cli_parse_format (opt_format, &format, &code))
    return code;
  if (format == SCIM_CLI_FORMAT_CSV)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--format: a sale is shown as text or json."));
  if (!parse_id (argv[1], "ID", &sale_id, &code))
    return code;

  store = scim_cli_open_store (g, SCIM_STORE_NONE, FALSE, &code);
  if (store == NULL)
    return code;
  query->sale_id = sale_id;
  if ((sale = scim_store_get_sale (store, sale_id, &error)) == NULL ||
      (history = scim_store_sale_history (store, sale_id, &error)) == NULL ||
      (logins = scim_cli_load_logins (store, &error)) == NULL ||
      (task_ids = scim_store_query_ids (store, query, NULL, &error)) == NULL ||
      (tasks = scim_store_load_rows (store, SCIM_LIST_TASKS, (const gint64 *) (gpointer) task_ids->data,
                                     task_ids->len, &error)) == NULL)
    return fail_with (error);
  for (guint i = 0; i < tasks->len; i++)
    {
      GVariant *row = g_ptr_array_index (tasks, i);
      gint64 *id = g_new (gint64, 1);

      g_variant_lookup (row, "id", "x", id);
      g_hash_table_insert (by_id, id, row);
    }

  record = SCIM_RECORD (sale);
  owner_id = scim_record_get_int (record, "owner-id");
  entered = format_time (scim_record_get_int (record, "stage-entered-at"), "%Y-%m-%dT%H:%M");

  if (format == SCIM_CLI_FORMAT_JSON)
    {
      g_autofree char *expected = NULL;
      g_autofree char *closed = NULL;
      g_autofree char *paused = NULL;
      const char *lost_reason = scim_record_get_string (record, "lost-reason");

      if (scim_record_get_int (record, "expected-close") != 0)
        expected = format_time (scim_record_get_int (record, "expected-close"), "%Y-%m-%d");
      if (scim_record_get_int (record, "closed-at") != 0)
        closed = format_time (scim_record_get_int (record, "closed-at"), "%Y-%m-%dT%H:%M");
      if (scim_record_get_int (record, "paused-until") != 0)
        paused = format_time (scim_record_get_int (record, "paused-until"), "%Y-%m-%dT%H:%M");

      g_string_append_printf (out, "{\"id\": %" G_GINT64_FORMAT, sale_id);
      json_pair (out, "client", scim_record_get_string (record, "client"), FALSE);
      json_pair (out, "product", scim_record_get_string (record, "product"), FALSE);
      json_pair (out, "owner", g_hash_table_lookup (logins, &owner_id), FALSE);
      json_int_pair (out, "amount", scim_record_get_int (record, "amount"));
      json_pair (out, "stage", scim_record_get_string (record, "stage"), FALSE);
      json_pair (out, "stage_kind", scim_record_get_string (record, "stage-kind"), FALSE);
      json_pair (out, "stage_entered", entered, FALSE);
      json_pair (out, "expected_close", expected, FALSE);
      json_pair (out, "closed", closed, FALSE);
      json_pair (out, "lost_reason", lost_reason[0] != '\0' ? lost_reason : NULL, FALSE);
      json_pair (out, "paused_until", paused, FALSE);

      g_string_append (out, ",\n \"history\": [");
      for (guint i = 0; i < history->len; i++)
        {
          ScimStageMove *move = g_ptr_array_index (history, i);
          g_autofree char *at = format_time (move->at, "%Y-%m-%dT%H:%M");

          g_string_append (out, i > 0 ? ",\n  {" : "\n  {");
          json_pair (out, "from", move->from, TRUE);
          json_pair (out, "to", move->to, FALSE);
          json_pair (out, "by", move->by, FALSE);
          json_pair (out, "at", at, FALSE);
          json_pair (out, "reason", move->reason, FALSE);
          g_string_append_c (out, '}');
        }
      g_string_append (out, history->len > 0 ? "\n ],\n \"tasks\": [" : "],\n \"tasks\": [");
      for (guint i = 0, printed = 0; i < task_ids->len; i++)
        {
          gint64 id = g_array_index (task_ids, gint64, i);
          GVariant *row = g_hash_table_lookup (by_id, &id);

          if (row == NULL)
            continue;
          g_string_append_printf (out, "%s{\"id\": %" G_GINT64_FORMAT, printed++ > 0 ? ",\n  " : "\n  ", id);
          for (guint c = 0; c < G_N_ELEMENTS (plan_columns); c++)
            {
              g_autofree char *value = cell (row, &plan_columns[c], format, logins);

              g_string_append (out, ", ");
              scim_cli_json_string (out, plan_columns[c].key);
              g_string_append (out, ": ");
              json_value (out, &plan_columns[c], value);
            }
          g_string_append_c (out, '}');
        }
      g_string_append (out, task_ids->len > 0 ? "\n ]}\n" : "]}\n");
    }
  else
    {
      g_autofree char *amount = scim_format_money (scim_record_get_int (record, "amount"));

      g_string_append_printf (out, "%s %" G_GINT64_FORMAT "\n", _("Sale"), sale_id);
      g_string_append_printf (out, "  %s: %s\n", _("Client"), scim_record_get_string (record, "client"));
      g_string_append_printf (out, "  %s: %s\n", _("Product"), scim_record_get_string (record, "product"));
      g_string_append_printf (out, "  %s: %s (%s)\n", _("Salesperson"), scim_record_get_string (record, "owner"),
                              (const char *) g_hash_table_lookup (logins, &owner_id));
      g_string_append_printf (out, "  %s: %s\n", _("Amount"), amount);
      g_string_append_printf (out, "  %s: %s (%s %s)\n", _("Stage"), scim_record_get_string (record, "stage"),
                              _("since"), entered);
      if (scim_record_get_string (record, "lost-reason")[0] != '\0')
        g_string_append_printf (out, "  %s: %s\n", _("Lost reason"), scim_record_get_string (record, "lost-reason"));

      g_string_append_printf (out, "\n%s\n", _("History:"));
      for (guint i = 0; i < history->len; i++)
        {
          ScimStageMove *move = g_ptr_array_index (history, i);
          g_autofree char *at = format_time (move->at, "%Y-%m-%dT%H:%M");

          g_string_append_printf (out, "  %s  %s → %s  (%s)%s%s\n", at, move->from != NULL ? move->from : "—",
                                  move->to != NULL ? move->to : "—", move->by != NULL ? move->by : "—",
                                  move->reason != NULL ? ": " : "", move->reason != NULL ? move->reason : "");
        }

      g_string_append_printf (out, "\n%s\n", _("Plan:"));
      if (task_ids->len == 0)
        g_string_append_printf (out, "  %s\n", _("No tasks."));
      for (guint i = 0; i < task_ids->len; i++)
        {
          gint64 id = g_array_index (task_ids, gint64, i);
          GVariant *row = g_hash_table_lookup (by_id, &id);
          g_autofree char *title = NULL, *owner = NULL, *due = NULL, *state = NULL, *result = NULL;

          if (row == NULL)
            continue;
          title = cell (row, &plan_columns[0], format, logins);
          owner = cell (row, &plan_columns[1], format, logins);
          due = cell (row, &plan_columns[2], format, logins);
          state = cell (row, &plan_columns[3], format, logins);
          result = cell (row, &plan_columns[4], format, logins);
          g_string_append_printf (out, "  %" G_GINT64_FORMAT "  [%s] %s — %s, %s%s%s\n", id, state, title,
                                  owner != NULL ? owner : "", due != NULL ? due : _("no due date"),
                                  result != NULL && result[0] != '\0' ? ": " : "",
                                  result != NULL ? result : "");
        }
    }
  fwrite (out->str, 1, out->len, stdout);
  return SCIM_CLI_OK;
}

static const GOptionEntry move_entries[] = {
  { "reason", 0, 0, G_OPTION_ARG_STRING, &opt_reason, N_("Why; required for a lost stage"), N_("TEXT") },
  { "until", 0, 0, G_OPTION_ARG_STRING, &opt_until, N_("Until when; required for a paused stage"), N_("DATE") },
  { "from", 0, 0, G_OPTION_ARG_STRING, &opt_from,
    N_("Move only if the sale is still at this stage (exit code 3 when someone moved it since)"), N_("STAGE") },
  { NULL }
};

/* A stage of @stages by its name (any case) or its number in the funnel,
 * from 1. */
static ScimRecord *
find_stage (GListModel *stages,
            const char *text)
{
  g_autofree char *wanted = g_utf8_casefold (text, -1);
  char *end = NULL;
  gint64 number = g_ascii_strtoll (text, &end, 10);

  if (end == text || *end != '\0')
    number = 0;
  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(ScimRecord) s = g_list_model_get_item (stages, i);
      g_autofree char *name = g_utf8_casefold (scim_record_get_string (s, "name"), -1);

      if (g_str_equal (name, wanted) || (number > 0 && scim_record_get_int (s, "position") + 1 == number))
        return g_steal_pointer (&s);
    }
  return NULL;
}

static int
cmd_sale_move (ScimCliGlobals  *g,
               int              argc,
               char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimSale) sale = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_STAGES);
  g_autoptr(GListModel) stages = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimRecord) stage = NULL;
  g_autoptr(ScimRecord) from = NULL;
  gint64 sale_id, until = 0;
  int code = SCIM_CLI_OK;

  if (!parse ("sale move", "ID STAGE",
              _("Move a sale to another stage of its funnel, forward or back. STAGE is the stage’s name (any case) "
                "or its number in the funnel, from 1. A lost stage needs --reason, a paused one --until."),
              move_entries, &argc, &argv, 2, &code))
    return code;
  if (!parse_id (argv[1], "ID", &sale_id, &code))
    return code;
  if (opt_until != NULL && !parse_date (opt_until, "--until", &until, NULL, &code))
    return code;

  store = scim_cli_open_store (g, SCIM_STORE_NONE, TRUE, &code);
  if (store == NULL)
    return code;
  if ((sale = scim_store_get_sale (store, sale_id, &error)) == NULL)
    return fail_with (error);
  query->product_id = scim_record_get_int (SCIM_RECORD (sale), "product-id");
  if ((stages = scim_store_list (store, query, &error)) == NULL)
    return fail_with (error);

  stage = find_stage (stages, argv[2]);
  if (stage == NULL)
    return scim_cli_fail (SCIM_CLI_USAGE, _("STAGE: the funnel of “%s” has no stage “%s”. "
                                            "Run “scim-sales-cli funnel show” for its stages."),
                          scim_record_get_string (SCIM_RECORD (sale), "product"), argv[2]);
  if (opt_from != NULL)
    {
      from = find_stage (stages, opt_from);
      if (from == NULL)
        return scim_cli_fail (SCIM_CLI_USAGE, _("--from: the funnel of “%s” has no stage “%s”. "
                                                "Run “scim-sales-cli funnel show” for its stages."),
                              scim_record_get_string (SCIM_RECORD (sale), "product"), opt_from);
    }

  if (from != NULL ? !scim_store_move_sale_from (store, sale_id, scim_record_get_id (from), scim_record_get_id (stage),
                                                 opt_reason, until, &error)
                   : !scim_store_move_sale (store, sale_id, scim_record_get_id (stage), opt_reason, until, &error))
    return fail_with (error);
  g_print (_("Sale %lld moved to “%s”.\n"), (long long) sale_id, scim_record_get_string (stage, "name"));
  return SCIM_CLI_OK;
}

static const ScimCliSubcommand sale_subcommands[] = {
  { "show", "show ID [--format FORMAT]", N_("Show a sale with its history and plan"), cmd_sale_show },
  { "move", "move ID STAGE [--reason TEXT] [--until DATE] [--from STAGE]", N_("Move a sale to another stage"),
    cmd_sale_move },
  { NULL }
};

static int
cmd_sale (ScimCliGlobals  *g,
          int              argc,
          char           **argv)
{
  return scim_cli_run_subcommand ("sale", sale_subcommands, value_options, NULL, g, argc, argv);
}

/* tasks, tasks add, tasks done */

static const Column task_columns[] = {
  { "sale", "sale_id", COL_INT, N_("Sale") },
  { "client", "client", COL_TEXT, N_("Client") },
  { "product", "product", COL_TEXT, N_("Product") },
  { "title", "title", COL_TEXT, N_("Task") },
  { "owner", "owner_id", COL_LOGIN, N_("Owner") },
  { "due", "due_at", COL_DUE, N_("Due") },
  { "state", "state", COL_STATE, N_("State") },
  { "result", "result", COL_TEXT, N_("Result") },
  { "closed", "closed_at", COL_TIME, N_("Closed") },
  { "version", "version", COL_INT, N_("Version") },
};

static const GOptionEntry tasks_list_entries[] = {
  { "owner", 0, 0, G_OPTION_ARG_STRING, &opt_owner, N_("Only the tasks of this user"), N_("LOGIN") },
  { "due", 0, 0, G_OPTION_ARG_STRING, &opt_due,
    N_("overdue, today, week (today and the six days after) or none (no due date)"), N_("WHEN") },
  { "state", 0, 0, G_OPTION_ARG_STRING, &opt_state, N_("planned, done, failed or cancelled"), N_("STATE") },
  { "sale", 0, 0, G_OPTION_ARG_INT64, &opt_sale, N_("Only the plan of this sale, in its order"), N_("ID") },
  { "product", 0, 0, G_OPTION_ARG_STRING, &opt_product, N_("Only the tasks of sales of this product"), N_("NAME") },
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, N_("text, csv or json (default: text)"), N_("FORMAT") },
  { NULL }
};

static int
cmd_tasks_list (ScimCliGlobals  *g,
                int              argc,
                char           **argv)
{
  static const char * const dues[] = { "", "overdue", "today", "week", "none" };
  static const char * const states[] = { "planned", "done", "failed", "cancelled", NULL };
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_TASKS);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GHashTable) logins = NULL;
  g_autoptr(GError) error = NULL;
  ScimCliFormat format;
  int code = SCIM_CLI_OK;

  if (!parse ("tasks", NULL,
              _("List tasks: sale, client, product, task, owner, due date, state, result and when it was closed. "
                "Planned tasks come first, by due date. An overdue task is a planned one whose time has passed "
                "or, without a time, whose day is over. To add a task or close one, see “tasks add --help” and "
                "“tasks done --help”."),
              tasks_list_entries, &argc, &argv, 0, &code))
    return code;
  if (!scim_cli_parse_format (opt_format, &format, &code))
    return code;
  if (opt_due != NULL)
    {
      for (guint i = 1; i < G_N_ELEMENTS (dues); i++)
        if (g_str_equal (opt_due, dues[i]))
          query->due = (ScimDueFilter) i;
      if (query->due == SCIM_DUE_ANY)
        return scim_cli_fail (SCIM_CLI_USAGE, _("--due: “%s” is not overdue, today, week or none."), opt_due);
    }
  if (opt_state != NULL && !g_strv_contains (states, opt_state))
    return scim_cli_fail (SCIM_CLI_USAGE, _("--state: “%s” is not planned, done, failed or cancelled."), opt_state);
  query->state = g_strdup (opt_state);
  if (opt_sale < 0)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--sale: “%lld” is not a sale."), (long long) opt_sale);
  query->sale_id = opt_sale;

  store = scim_cli_open_store (g, SCIM_STORE_NONE, FALSE, &code);
  if (store == NULL)
    return code;
  if (opt_owner != NULL && (query->owner_id = find_user_id (store, opt_owner, &code)) == 0)
    return code;
  if (opt_product != NULL)
    {
      g_autoptr(ScimProduct) product = scim_store_find_product (store, opt_product, &error);

      if (product == NULL)
        return fail_with (error);
      query->product_id = scim_record_get_id (SCIM_RECORD (product));
    }
  if ((logins = scim_cli_load_logins (store, &error)) == NULL ||
      (ids = scim_store_query_ids (store, query, NULL, &error)) == NULL ||
      !print_list (store, SCIM_LIST_TASKS, ids, task_columns, G_N_ELEMENTS (task_columns), format, logins, &error))
    return fail_with (error);
  return SCIM_CLI_OK;
}

static const GOptionEntry tasks_add_entries[] = {
  { "sale", 0, 0, G_OPTION_ARG_INT64, &opt_sale, N_("The sale whose plan gets the task"), N_("ID") },
  { "title", 0, 0, G_OPTION_ARG_STRING, &opt_title, N_("What is to be done"), N_("TEXT") },
  { "owner", 0, 0, G_OPTION_ARG_STRING, &opt_owner, N_("Who does it (default: the sale’s salesperson)"),
    N_("LOGIN") },
  { "due", 0, 0, G_OPTION_ARG_STRING, &opt_due, N_("When it is due: YYYY-MM-DD or YYYY-MM-DDTHH:MM"), N_("DATE") },
  { "notes", 0, 0, G_OPTION_ARG_STRING, &opt_notes, N_("Notes"), N_("TEXT") },
  { NULL }
};

static int
cmd_tasks_add (ScimCliGlobals  *g,
               int              argc,
               char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  ScimTaskFields fields = { 0 };
  gint64 task_id;
  int code = SCIM_CLI_OK;

  if (!parse ("tasks add", NULL,
              _("Add a task at the end of a sale’s plan. The sale’s salesperson, a head of sales or an "
                "administrator may."),
              tasks_add_entries, &argc, &argv, 0, &code))
    return code;
  if (opt_sale <= 0)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--sale: say which sale’s plan gets the task."));
  if (opt_title == NULL)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--title: say what is to be done."));
  if (opt_due != NULL && !parse_date (opt_due, "--due", &fields.due_at, &fields.due_has_time, &code))
    return code;

  store = scim_cli_open_store (g, SCIM_STORE_NONE, TRUE, &code);
  if (store == NULL)
    return code;
  if (opt_owner != NULL && (fields.owner_id = find_user_id (store, opt_owner, &code)) == 0)
    return code;
  fields.title = opt_title;
  fields.notes = opt_notes;
  task_id = scim_store_add_task (store, opt_sale, -1, &fields, &error);
  if (task_id == 0)
    return fail_with (error);
  g_print (_("Added task %lld to the plan of sale %lld.\n"), (long long) task_id, (long long) opt_sale);
  return SCIM_CLI_OK;
}

static const GOptionEntry tasks_done_entries[] = {
  { "result", 0, 0, G_OPTION_ARG_STRING, &opt_result,
    N_("What came of it; required (a negative result is a result too)"), N_("TEXT") },
  { "failed", 0, 0, G_OPTION_ARG_NONE, &opt_failed, N_("The task failed (default: done)"), NULL },
  { "if-version", 0, 0, G_OPTION_ARG_INT64, &opt_if_version,
    N_("Only if the task is still at this version (the “version” of “tasks”); exit code 3 if someone changed "
       "it since"), N_("N") },
  { NULL }
};

static int
cmd_tasks_done (ScimCliGlobals  *g,
                int              argc,
                char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 task_id, version = 0;
  int code = SCIM_CLI_OK;

  if (!parse ("tasks done", "ID",
              _("Close a task with its result, as done or (with --failed) failed. The task’s owner may, and "
                "whoever may edit the sale’s plan."),
              tasks_done_entries, &argc, &argv, 1, &code))
    return code;
  if (!parse_id (argv[1], "ID", &task_id, &code))
    return code;

  store = scim_cli_open_store (g, SCIM_STORE_NONE, TRUE, &code);
  if (store == NULL)
    return code;
  rows = scim_store_load_rows (store, SCIM_LIST_TASKS, &task_id, 1, &error);
  if (rows == NULL)
    return fail_with (error);
  if (rows->len == 0)
    return scim_cli_fail (SCIM_CLI_USAGE, _("There is no task %lld."), (long long) task_id);
  g_variant_lookup (g_ptr_array_index (rows, 0), "version", "x", &version);
  if (opt_if_version > 0)
    version = opt_if_version;
  if (!scim_store_finish_task (store, task_id, version, opt_failed ? "failed" : "done", opt_result, &error))
    return fail_with (error);
  g_print (opt_failed ? _("Task %lld closed as failed.\n") : _("Task %lld closed as done.\n"), (long long) task_id);
  return SCIM_CLI_OK;
}

static const ScimCliSubcommand tasks_subcommands[] = {
  { "add", "add --sale ID --title TEXT [--owner LOGIN] [--due DATE]", N_("Add a task to a sale’s plan"),
    cmd_tasks_add },
  { "done", "done ID --result TEXT [--failed] [--if-version N]", N_("Close a task with its result"),
    cmd_tasks_done },
  { NULL }
};

static int
cmd_tasks (ScimCliGlobals  *g,
           int              argc,
           char           **argv)
{
  return scim_cli_run_subcommand ("tasks", tasks_subcommands, value_options, cmd_tasks_list, g, argc, argv);
}

const ScimCliCommand scim_cli_sales_commands[] = {
  { "sales", N_("List sales, or those with no plan or idle: list"), cmd_sales },
  { "sale", N_("Show a sale with its history and plan, or move it to another stage: show, move"), cmd_sale },
  { "tasks", N_("List tasks (by owner, due date, state); add a task; close one with its result: add, done"),
    cmd_tasks },
  { NULL }
};
