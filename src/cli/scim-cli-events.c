/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-cli-events"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "scim-cli.h"

/* The Sales book commands: `events add` writes an event in a sale (and may
 * move the sale to another stage in the same step), `events list` prints
 * the book, newest first.  The rules are the core's, as in the GUI. */

/* Options that take a value, so the subcommand is found after them. */
static const char * const value_options[] = {
  "--db", "--user", "--format", "--sale", "--kind", "--title", "--text", "--at", "--stage", "--since", "--until",
  "--author", NULL,
};

static char *opt_format;
static char *opt_sale;
static char *opt_kind;
static char *opt_title;
static char *opt_text;
static char *opt_at;
static char *opt_stage;
static char *opt_since;
static char *opt_until;
static char *opt_author;
static gboolean opt_unread;

static gboolean
parse (const char          *name,
       const char          *summary,
       const GOptionEntry  *entries,
       int                 *argc,
       char              ***argv,
       int                 *code)
{
  g_autoptr(GOptionContext) context = scim_cli_context (name, NULL, summary, entries);

  if (!scim_cli_parse (context, argc, argv, code))
    return FALSE;
  if (*argc != 1)
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, _("%s takes no arguments."), name);
      return FALSE;
    }
  return TRUE;
}

/* Helpers */

static gboolean
parse_id (const char *text,
          const char *what,
          gint64     *id,
          int        *code)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, _("%s: “%s” is not a number."), what, text);
      return FALSE;
    }
  *id = (gint64) value;
  return TRUE;
}

/* YYYY-MM-DD (local midnight, or with @end_of_day the midnight after) or
 * YYYY-MM-DDTHH:MM, local time, as UTC seconds. */
static gboolean
parse_date (const char *text,
            const char *what,
            gboolean    end_of_day,
            gint64     *unix_utc,
            int        *code)
{
  g_autoptr(GDateTime) local = NULL;
  int year, month, day, hour = 0, minute = 0, n = 0;
  size_t len = strlen (text);
  gboolean with_time = len == 16;

  if ((len == 10 && sscanf (text, "%4d-%2d-%2d%n", &year, &month, &day, &n) == 3 && n == 10) ||
      (len == 16 && text[10] == 'T' &&
       sscanf (text, "%4d-%2d-%2dT%2d:%2d%n", &year, &month, &day, &hour, &minute, &n) == 5 && n == 16))
    {
      gboolean digits = TRUE;

      /* sscanf takes signs and spaces; a date is digits in their places. */
      for (size_t i = 0; i < len; i++)
        if (i != 4 && i != 7 && i != 10 && i != 13 && !g_ascii_isdigit (text[i]))
          digits = FALSE;
      if (digits && year >= 1900 && hour < 24 && minute < 60)
        local = g_date_time_new_local (year, month, day, hour, minute, 0);
      /* GLib wraps 2026-02-31 to March; a date that does not exist is refused. */
      if (local != NULL && g_date_time_get_day_of_month (local) != day)
        g_clear_pointer (&local, g_date_time_unref);
    }
  if (local == NULL)
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, _("%s: “%s” is not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM."),
                             what, text);
      return FALSE;
    }
  if (end_of_day && !with_time)
    {
      g_autoptr(GDateTime) next = g_date_time_add_days (local, 1);

      *unix_utc = g_date_time_to_unix (next);
    }
  else
    *unix_utc = g_date_time_to_unix (local);
  return TRUE;
}

/* Dates as the CLI writes them: YYYY-MM-DDTHH:MM, local time.  The zone is
 * looked up once: GLib checks the system's zone file at every lookup, and
 * a book has a million dates. */
static char *
cli_time (gint64 at)
{
  return scim_format_time (at, "%Y-%m-%dT%H:%M");
}

static gboolean
check_kind (int *code)
{
  g_autofree char *kinds = NULL;

  if (opt_kind == NULL || scim_event_kind_is_valid (opt_kind))
    return TRUE;
  kinds = g_strjoinv (", ", (char **) scim_event_kinds ());
  *code = scim_cli_fail (SCIM_CLI_USAGE, _("--kind: “%s” is not a kind of event; the kinds are %s."), opt_kind,
                         kinds);
  return FALSE;
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
      *code = scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
      return 0;
    }
  return scim_record_get_id (SCIM_RECORD (user));
}

/* events add */

static const GOptionEntry add_entries[] = {
  { "sale", 0, 0, G_OPTION_ARG_STRING, &opt_sale, N_("The sale the event belongs to (required)"), N_("ID") },
  { "kind", 0, 0, G_OPTION_ARG_STRING, &opt_kind,
    N_("call, meeting, email, proposal, contract, payment, note or other (required)"), N_("KIND") },
  { "title", 0, 0, G_OPTION_ARG_STRING, &opt_title, N_("What happened, in a few words (required)"), N_("TEXT") },
  { "text", 0, 0, G_OPTION_ARG_STRING, &opt_text, N_("More about it"), N_("TEXT") },
  { "at", 0, 0, G_OPTION_ARG_STRING, &opt_at,
    N_("When, local time: YYYY-MM-DD or YYYY-MM-DDTHH:MM (default: now; a later time plans the event)"),
    N_("DATE") },
  { "stage", 0, 0, G_OPTION_ARG_STRING, &opt_stage,
    N_("Move the sale to this stage of its funnel in the same step; the title is the reason"), N_("NAME") },
  { NULL }
};

/* The stage of the sale's funnel named @name (any case), or with that id. */
static gint64
find_stage (ScimStore   *store,
            gint64       sale_id,
            const char  *name,
            char       **stage_name,
            int         *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sales = scim_store_load_rows (store, SCIM_LIST_SALES, &sale_id, 1, &error);
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_STAGES);
  g_autoptr(GListModel) stages = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *wanted = g_utf8_casefold (name, -1);
  const char *product = "";

  if (sales == NULL)
    {
      *code = scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
      return 0;
    }
  if (sales->len == 0)
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, _("--sale: there is no sale %s."), opt_sale);
      return 0;
    }
  g_variant_lookup (g_ptr_array_index (sales, 0), "product_id", "x", &query->product_id);
  g_variant_lookup (g_ptr_array_index (sales, 0), "product", "&s", &product);
  stages = scim_store_list (store, query, &error);
  if (stages == NULL)
    {
      *code = scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
      return 0;
    }
  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(ScimRecord) stage = g_list_model_get_item (stages, i);
      const char *stage_text = scim_record_get_string (stage, "name");
      g_autofree char *folded = g_utf8_casefold (stage_text, -1);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, scim_record_get_id (stage));

      if (g_str_equal (folded, wanted) || g_str_equal (id, name))
        {
          *stage_name = g_strdup (stage_text);
          return scim_record_get_id (stage);
        }
      g_string_append_printf (names, "%s%s", i > 0 ? "; " : "", stage_text);
    }
  *code = scim_cli_fail (SCIM_CLI_USAGE, _("--stage: the funnel of “%s” has no stage “%s”. Its stages: %s."), product,
                         name, names->str);
  return 0;
}

static int
cmd_events_add (ScimCliGlobals  *g,
                int              argc,
                char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stage_name = NULL;
  g_autofree char *event_text = NULL;
  ScimEventFields fields = { 0 };
  gint64 stage_id = 0, event_id;
  int code = SCIM_CLI_OK;

  if (!parse ("events add",
              _("Write an event in a sale’s book: a call, a meeting, a letter, a proposal, a contract, a payment, "
                "a note. Anyone may write in any sale; with --stage, the sale’s salesperson, a head of sales or an "
                "administrator also moves the sale in the same step."),
              add_entries, &argc, &argv, &code))
    return code;
  if (opt_sale == NULL)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--sale: say which sale the event belongs to."));
  if (opt_kind == NULL)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--kind: say what kind of event it is."));
  if (opt_title == NULL)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--title: say in a few words what happened."));
  if (!parse_id (opt_sale, "--sale", &fields.sale_id, &code) || !check_kind (&code))
    return code;
  if (opt_at != NULL && !parse_date (opt_at, "--at", FALSE, &fields.at, &code))
    return code;
  fields.kind = opt_kind;
  fields.title = opt_title;
  fields.text = opt_text;

  store = scim_cli_open_store (g, SCIM_STORE_NONE, TRUE, &code);
  if (store == NULL)
    return code;
  if (opt_stage != NULL && (stage_id = find_stage (store, fields.sale_id, opt_stage, &stage_name, &code)) == 0)
    return code;

  event_id = scim_store_add_event (store, &fields, stage_id, &error);
  if (event_id == 0)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  event_text = g_strdup_printf ("%" G_GINT64_FORMAT, event_id);
  if (stage_name != NULL)
    g_print (_("Event %s added to sale %s; the sale is at “%s”.\n"), event_text, opt_sale, stage_name);
  else
    g_print (_("Event %s added to sale %s.\n"), event_text, opt_sale);
  return SCIM_CLI_OK;
}

/* events list */

typedef enum
{
  CELL_TEXT,
  CELL_INT,
  CELL_TIME,
  CELL_BOOL,
} CellType;

static const struct
{
  const char *key;        /* JSON key and CSV header */
  const char *column;     /* in the row */
  CellType    type;
  const char *title;      /* text header */
  gboolean    in_text;
} list_columns[] = {
  { "at", "at", CELL_TIME, N_("When"), TRUE },
  { "kind", "kind", CELL_TEXT, N_("Kind"), TRUE },
  { "title", "title", CELL_TEXT, N_("Title"), TRUE },
  { "text", "text", CELL_TEXT, N_("Text"), FALSE },
  { "sale_id", "sale_id", CELL_INT, N_("Sale"), TRUE },
  { "client", "client", CELL_TEXT, N_("Client"), TRUE },
  { "product", "product", CELL_TEXT, N_("Product"), TRUE },
  { "stage", "stage", CELL_TEXT, N_("Stage"), FALSE },
  { "author", "author_login", CELL_TEXT, N_("Author"), TRUE },
  { "planned", "planned", CELL_BOOL, N_("Coming up"), TRUE },
  { "unread", "unread", CELL_BOOL, N_("Unread"), TRUE },
  { "created_at", "created_at", CELL_TIME, N_("Written"), FALSE },
  { "version", "version", CELL_INT, N_("Version"), FALSE },
};

/* The value of a cell as text where @cursor stands, or %NULL when it has
 * none (JSON null). */
static char *
cell (ScimRowCursor *cursor,
      int            index,
      CellType       type,
      gboolean       is_author,
      GHashTable    *logins)
{
  const char *text;
  gint64 n;

  if (is_author)
    {
      const char *login = NULL;

      if (scim_row_cursor_get_int (cursor, index, &n))
        login = g_hash_table_lookup (logins, &n);
      return login != NULL ? g_strdup (login) : NULL;
    }
  if (scim_row_cursor_get_int (cursor, index, &n))
    {
      if (type == CELL_TIME)
        return n != 0 ? cli_time (n) : NULL;
      if (type == CELL_BOOL)
        return g_strdup (n != 0 ? "true" : "false");
      return g_strdup_printf ("%" G_GINT64_FORMAT, n);
    }
  if ((text = scim_row_cursor_get_text (cursor, index)) != NULL)
    return g_strdup (text);
  return type == CELL_BOOL ? g_strdup ("false") : NULL;
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

/* Text columns are as wide as in the first page of rows, at most 30
 * characters; longer values are cut with an ellipsis. */
#define TEXT_MAX_WIDTH 30

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
      char *cut = g_utf8_offset_to_pointer (flat, width - 1);

      *cut = '\0';
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

/* What a person reads in a text cell. */
static char *
text_value (guint       c,
            const char *value)
{
  if (value == NULL)
    return NULL;
  if (list_columns[c].type == CELL_BOOL)
    return g_strdup (g_str_equal (value, "true") ? _("yes") : "");
  if (g_str_equal (list_columns[c].key, "kind"))
    return g_strdup (scim_format_event_kind (value));
  return g_strdup (value);
}

#define N_COLUMNS G_N_ELEMENTS (list_columns)

/* A batch of rows as their cells: the ids, and per row the cells of
 * list_columns, %NULL-ended.  The columns' places in the statement are
 * found on the batch's first row. */
typedef struct
{
  GHashTable *logins;
  GPtrArray  *table;
  GArray     *ids;
  int         index[N_COLUMNS];
  int         id_index;
  gboolean    resolved;
} Collect;

static void
collect_row_cb (ScimRowCursor *cursor,
                gpointer       user_data)
{
  Collect *collect = user_data;
  char **cells = g_new0 (char *, N_COLUMNS + 1);
  gint64 id = 0;

  if (!collect->resolved)
    {
      collect->id_index = scim_row_cursor_find (cursor, "id");
      for (guint c = 0; c < N_COLUMNS; c++)
        collect->index[c] = scim_row_cursor_find (cursor, g_str_equal (list_columns[c].column, "author_login")
                                                          ? "author_id" : list_columns[c].column);
      collect->resolved = TRUE;
    }
  scim_row_cursor_get_int (cursor, collect->id_index, &id);
  for (guint c = 0; c < N_COLUMNS; c++)
    cells[c] = cell (cursor, collect->index[c], list_columns[c].type,
                     g_str_equal (list_columns[c].column, "author_login"), collect->logins);
  g_array_append_val (collect->ids, id);
  g_ptr_array_add (collect->table, cells);
}

static void
free_cells (gpointer cells)
{
  char **strv = cells;

  for (guint c = 0; c < N_COLUMNS; c++)
    g_free (strv[c]);
  g_free (strv);
}

/* Prints the rows of @ids that still exist, in their order, read through
 * the listing's cursor (no row is built). */
static gboolean
print_batch (ScimStore      *store,
             const gint64   *page,
             guint           n,
             ScimCliFormat   format,
             GHashTable     *logins,
             glong          *widths,
             gboolean       *first,
             GError        **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) table = g_ptr_array_new_with_free_func (free_cells);
  g_autoptr(GArray) ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  Collect collect = { logins, table, ids, { 0 }, -1, FALSE };
  guint n_text = 0;

  for (guint c = 0; c < G_N_ELEMENTS (list_columns); c++)
    n_text += list_columns[c].in_text ? 1 : 0;
  /* A row deleted since the ids were read is left out. */
  if (!scim_store_each_listing_row (store, SCIM_LIST_EVENTS, page, n, collect_row_cb, &collect, error))
    return FALSE;

  if (format == SCIM_CLI_FORMAT_TEXT && *first)
    {
      widths[0] = g_utf8_strlen (_("ID"), -1);
      for (guint r = 0; r < table->len; r++)
        {
          g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, g_array_index (ids, gint64, r));

          widths[0] = MAX (widths[0], (glong) strlen (text));
        }
      for (guint c = 0; c < G_N_ELEMENTS (list_columns); c++)
        {
          widths[c + 1] = g_utf8_strlen (_(list_columns[c].title), -1);
          for (guint r = 0; r < table->len; r++)
            {
              char **cells = g_ptr_array_index (table, r);
              g_autofree char *value = text_value (c, cells[c]);

              if (value != NULL)
                widths[c + 1] = MAX (widths[c + 1], MIN (TEXT_MAX_WIDTH, g_utf8_strlen (value, -1)));
            }
        }
      text_cell (out, _("ID"), widths[0], FALSE);
      for (guint c = 0, shown = 0; c < G_N_ELEMENTS (list_columns); c++)
        if (list_columns[c].in_text)
          text_cell (out, _(list_columns[c].title), widths[c + 1], ++shown == n_text);
      g_strchomp (out->str);
      out->len = strlen (out->str);
      g_string_append_c (out, '\n');
    }

  for (guint r = 0; r < table->len; r++)
    {
      char **cells = g_ptr_array_index (table, r);
      gint64 id = g_array_index (ids, gint64, r);

      if (format == SCIM_CLI_FORMAT_JSON)
        g_string_append_printf (out, "%s\n  {\"id\": %" G_GINT64_FORMAT, *first && r == 0 ? "" : ",", id);
      else if (format == SCIM_CLI_FORMAT_CSV)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, id);
      else
        {
          g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
          text_cell (out, text, widths[0], FALSE);
        }

      for (guint c = 0, shown = 0; c < G_N_ELEMENTS (list_columns); c++)
        {
          const char *value = cells[c];

          switch (format)
            {
            case SCIM_CLI_FORMAT_JSON:
              g_string_append (out, ", ");
              scim_cli_json_string (out, list_columns[c].key);
              g_string_append (out, ": ");
              if (value == NULL)
                g_string_append (out, "null");
              else if (list_columns[c].type == CELL_INT || list_columns[c].type == CELL_BOOL)
                g_string_append (out, value);
              else
                scim_cli_json_string (out, value);
              break;
            case SCIM_CLI_FORMAT_CSV:
              g_string_append_c (out, ',');
              csv_field (out, value != NULL ? value : "");
              break;
            case SCIM_CLI_FORMAT_TEXT:
            default:
              if (list_columns[c].in_text)
                {
                  g_autofree char *text = text_value (c, value);

                  text_cell (out, text, widths[c + 1], ++shown == n_text);
                }
              break;
            }
        }
      if (format == SCIM_CLI_FORMAT_JSON)
        g_string_append_c (out, '}');
      else if (format == SCIM_CLI_FORMAT_CSV)
        g_string_append (out, "\r\n");
      else
        {
          while (out->len > 0 && out->str[out->len - 1] == ' ')
            g_string_truncate (out, out->len - 1);
          g_string_append_c (out, '\n');
        }
    }
  if (table->len > 0)
    *first = FALSE;
  fwrite (out->str, 1, out->len, stdout);
  return TRUE;
}

static const GOptionEntry list_entries[] = {
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, N_("text, csv or json (default: text)"), N_("FORMAT") },
  { "since", 0, 0, G_OPTION_ARG_STRING, &opt_since,
    N_("Only events at or after this time: YYYY-MM-DD or YYYY-MM-DDTHH:MM, local time"), N_("DATE") },
  { "until", 0, 0, G_OPTION_ARG_STRING, &opt_until,
    N_("Only events before this time; a date alone includes that day"), N_("DATE") },
  { "sale", 0, 0, G_OPTION_ARG_STRING, &opt_sale, N_("Only events of this sale"), N_("ID") },
  { "kind", 0, 0, G_OPTION_ARG_STRING, &opt_kind, N_("Only events of this kind"), N_("KIND") },
  { "author", 0, 0, G_OPTION_ARG_STRING, &opt_author, N_("Only events this user wrote"), N_("LOGIN") },
  { "unread", 0, 0, G_OPTION_ARG_NONE, &opt_unread, N_("Only events the --user has not read"), NULL },
  { NULL }
};

#define LIST_BATCH 1000

static int
cmd_events_list (ScimCliGlobals  *g,
                 int              argc,
                 char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_EVENTS);
  g_autoptr(GHashTable) logins = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  glong widths[G_N_ELEMENTS (list_columns) + 1] = { 0 };
  gboolean first = TRUE;
  ScimCliFormat format;
  int code = SCIM_CLI_OK;

  if (!parse ("events list",
              _("List the sales book, newest first: when, kind, title, sale (client and product), author, whether "
                "it is still ahead (planned) and, with --user, whether that user has read it. JSON and CSV carry "
                "every field; dates are YYYY-MM-DDTHH:MM, local time."),
              list_entries, &argc, &argv, &code))
    return code;
  if (!scim_cli_parse_format (opt_format, &format, &code) || !check_kind (&code))
    return code;
  if ((opt_since != NULL && !parse_date (opt_since, "--since", FALSE, &query->since, &code)) ||
      (opt_until != NULL && !parse_date (opt_until, "--until", TRUE, &query->until, &code)) ||
      (opt_sale != NULL && !parse_id (opt_sale, "--sale", &query->sale_id, &code)))
    return code;
  if (opt_unread && g->user == NULL)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--unread: say whose unread events with --user LOGIN."));
  query->event_kind = g_strdup (opt_kind);
  query->only_unread = opt_unread;

  store = scim_cli_open_store (g, SCIM_STORE_NONE, FALSE, &code);
  if (store == NULL)
    return code;
  if (opt_author != NULL && (query->owner_id = find_user_id (store, opt_author, &code)) == 0)
    return code;

  logins = scim_cli_load_logins (store, &error);
  if (logins == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);

  ids = scim_store_query_ids (store, query, NULL, &error);
  if (ids == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);

  if (format == SCIM_CLI_FORMAT_CSV)
    {
      g_autoptr(GString) header = g_string_new ("id");

      for (guint c = 0; c < G_N_ELEMENTS (list_columns); c++)
        g_string_append_printf (header, ",%s", list_columns[c].key);
      g_print ("%s\r\n", header->str);
    }
  else if (format == SCIM_CLI_FORMAT_JSON)
    g_print ("[");

  /* A page at a time, so a book of any length prints in little memory. */
  for (guint start = 0; start < ids->len; start += LIST_BATCH)
    {
      const gint64 *page = &g_array_index (ids, gint64, start);
      guint n = MIN (LIST_BATCH, ids->len - start);
      if (!print_batch (store, page, n, format, logins, widths, &first, &error))
        return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
    }

  if (format == SCIM_CLI_FORMAT_JSON)
    g_print (first ? "]\n" : "\n]\n");
  else if (format == SCIM_CLI_FORMAT_TEXT && first)
    g_print ("%s\n", _("No events."));
  return SCIM_CLI_OK;
}

static const ScimCliSubcommand events_subcommands[] = {
  { "add", "add --sale ID --kind KIND --title TEXT [--text TEXT] [--at DATE] [--stage NAME]",
    N_("Write an event in a sale’s book"), cmd_events_add },
  { "list", "list [--since DATE] [--until DATE] [--sale ID] [--kind KIND] [--author LOGIN] [--unread] "
    "[--format FORMAT]", N_("List the sales book, newest first"), cmd_events_list },
  { NULL }
};

static int
cmd_events (ScimCliGlobals  *g,
            int              argc,
            char           **argv)
{
  return scim_cli_run_subcommand ("events", events_subcommands, value_options, NULL, g, argc, argv);
}

const ScimCliCommand scim_cli_events_commands[] = {
  { "events", N_("The sales book: add, list"), cmd_events },
  { NULL }
};
