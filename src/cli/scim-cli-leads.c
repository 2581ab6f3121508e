/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-cli-leads"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scim-cli.h"
#include "scim-csv.h"

/* The Leads commands: `import leads FILE`, `export leads`, and `leads list`,
 * `leads accept`, `leads reject`.  The rules are the core's, as in the GUI. */

/* Options that take a value, so the subcommand is found after them. */
static const char * const value_options[] = {
  "--db", "--user", "--format", "--state", "--search", "--owner", "--product", "--client", "--reason", "--map",
  NULL,
};

static char *opt_format;
static char *opt_state;
static char *opt_search;
static char *opt_owner;
static char **opt_products;
static char *opt_client;
static char *opt_reason;
static char **opt_map;
static gboolean opt_dry_run;
static gboolean opt_skip_bad;
static gboolean opt_all_or_nothing;
static gboolean opt_keep_duplicates;
static char *opt_owner_map;
static char *opt_owner_default;
static char *opt_refused_file;

/* A GOutputStream on standard output, for the export. */

#define SCIM_TYPE_CLI_STDOUT (scim_cli_stdout_get_type ())
G_DECLARE_FINAL_TYPE (ScimCliStdout, scim_cli_stdout, SCIM, CLI_STDOUT, GOutputStream)

struct _ScimCliStdout
{
  GOutputStream parent_instance;
};

G_DEFINE_FINAL_TYPE (ScimCliStdout, scim_cli_stdout, G_TYPE_OUTPUT_STREAM)

static gssize
scim_cli_stdout_write_fn (GOutputStream  *stream,
                          const void     *buffer,
                          gsize           count,
                          GCancellable   *cancellable,
                          GError        **error)
{
  gssize n;

  do
    n = write (STDOUT_FILENO, buffer, count);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      int saved = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
    }
  return n;
}

static void
scim_cli_stdout_class_init (ScimCliStdoutClass *klass)
{
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = scim_cli_stdout_write_fn;
}

static void
scim_cli_stdout_init (ScimCliStdout *self)
{
}

/* Subcommands */

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

static gboolean
check_state (int *code)
{
  if (opt_state == NULL || g_str_equal (opt_state, "new") || g_str_equal (opt_state, "accepted") ||
      g_str_equal (opt_state, "rejected"))
    return TRUE;
  *code = scim_cli_fail (SCIM_CLI_USAGE, _("--state: “%s” is not new, accepted or rejected."), opt_state);
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

/* The query of --state, --search and --owner. */
static ScimQuery *
lead_query (ScimStore *store,
            int       *code)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_LEADS);

  query->state = g_strdup (opt_state);
  query->search = g_strdup (opt_search);
  if (opt_owner != NULL && (query->owner_id = find_user_id (store, opt_owner, code)) == 0)
    return NULL;
  return g_steal_pointer (&query);
}

static const GOptionEntry filter_entries[] = {
  { "state", 0, 0, G_OPTION_ARG_STRING, &opt_state, N_("Only leads in this state: new, accepted or rejected"),
    N_("STATE") },
  { "search", 0, 0, G_OPTION_ARG_STRING, &opt_search, N_("Only leads whose name, company, phone or e-mail has TEXT"),
    N_("TEXT") },
  { "owner", 0, 0, G_OPTION_ARG_STRING, &opt_owner, N_("Only leads of this salesperson"), N_("LOGIN") },
  { NULL }
};

/* import */

static const GOptionEntry import_entries[] = {
  { "map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_map,
    N_("Read COLUMN (its header or its number from 1) as FIELD: name, company, position, phone, email, tax_id, "
       "source, channel, product, notes, received, amount, owner, source_id, source_status or ignore; may be "
       "repeated"),
    N_("COLUMN=FIELD") },
  { "dry-run", 0, 0, G_OPTION_ARG_NONE, &opt_dry_run, N_("Check everything, write nothing"), NULL },
  { "skip-bad", 0, 0, G_OPTION_ARG_NONE, &opt_skip_bad,
    N_("Import the good rows and skip those that cannot be read (the default)"), NULL },
  { "all-or-nothing", 0, 0, G_OPTION_ARG_NONE, &opt_all_or_nothing,
    N_("Import nothing when any row cannot be read"), NULL },
  { "refused-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_refused_file,
    N_("Write the rows that cannot be read to FILE (CSV, under the file’s header), to fix and import again"),
    N_("FILE") },
  { "owner-map", 0, 0, G_OPTION_ARG_FILENAME, &opt_owner_map,
    N_("Settle owners the file names who are not users here: a CSV file of name,login rows (an empty login "
       "leaves that owner’s leads unassigned)"), N_("FILE") },
  { "owner-default", 0, 0, G_OPTION_ARG_STRING, &opt_owner_default,
    N_("Give leads whose owner is not a user here to this salesperson instead of leaving them unassigned"),
    N_("LOGIN") },
  { "keep-duplicates", 0, 0, G_OPTION_ARG_NONE, &opt_keep_duplicates,
    N_("Import rows with the e-mail, phone or tax ID of a known lead or client too"), NULL },
  { NULL }
};

static gboolean
header_matches (const char *header,
                const char *column)
{
  g_autofree char *a = g_utf8_casefold (header, -1);
  g_autofree char *b = g_utf8_casefold (column, -1);

  return g_str_equal (g_strstrip (a), g_strstrip (b));
}

/* The mapping: guessed from the header, then each --map applied. */
static ScimLeadField *
build_mapping (GStrv  header,
               int   *code)
{
  guint n = g_strv_length (header);
  g_autofree ScimLeadField *mapping = g_new0 (ScimLeadField, MAX (n, 1));

  for (guint c = 0; c < n; c++)
    mapping[c] = scim_lead_field_guess (header[c]);

  for (guint i = 0; opt_map != NULL && opt_map[i] != NULL; i++)
    {
      const char *eq = strrchr (opt_map[i], '=');
      g_autofree char *column = NULL;
      ScimLeadField field;
      guint64 number;
      gboolean found = FALSE;

      if (eq == NULL || eq == opt_map[i])
        {
          *code = scim_cli_fail (SCIM_CLI_USAGE, _("--map: write COLUMN=FIELD, as in --map “Телефон=phone”; "
                                                   "“%s” is not."), opt_map[i]);
          return NULL;
        }
      if (!scim_lead_field_from_string (eq + 1, &field))
        {
          *code = scim_cli_fail (SCIM_CLI_USAGE, _("--map: “%s” is not a field. Use name, company, position, "
                                                   "phone, email, tax_id, source, channel, product, notes, "
                                                   "received, amount, owner, source_id, source_status or ignore."), eq + 1);
          return NULL;
        }
      column = g_strndup (opt_map[i], (gsize) (eq - opt_map[i]));
      for (guint c = 0; c < n; c++)
        if (header_matches (header[c], column))
          {
            mapping[c] = field;
            found = TRUE;
          }
      if (!found && g_ascii_string_to_unsigned (column, 10, 1, n, &number, NULL))
        {
          mapping[number - 1] = field;
          found = TRUE;
        }
      if (!found)
        {
          g_autofree char *list = g_strjoinv ("”, “", header);

          *code = scim_cli_fail (SCIM_CLI_USAGE, _("--map: the file has no column “%s”; its columns are “%s” "
                                                   "(or use their numbers, 1 to %u)."), column, list, n);
          return NULL;
        }
    }
  return g_steal_pointer (&mapping);
}

static void
print_issues (GPtrArray  *issues,
              const char *title)
{
  if (issues == NULL || issues->len == 0)
    return;
  g_print ("%s\n", title);
  for (guint i = 0; i < issues->len; i++)
    {
      ScimImportIssue *issue = g_ptr_array_index (issues, i);
      g_autofree char *reason = g_strdup (issue->reason);

      g_strdelimit (reason, "\r\n", ' ');
      g_print (_("  line %u: %s\n"), issue->line, reason);
    }
}

/* --owner-map: rows of name,login; a header row "name,login" (in any
 * language: a second cell that is no user's login on the first line) is
 * allowed.  Keys as the import matches them. */
static GHashTable *
read_owner_map (ScimStore  *store,
                const char *path,
                int        *code)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(ScimCsvReader) reader = NULL;
  g_autoptr(GHashTable) map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) error = NULL;
  guint rows = 0;

  stream = g_file_read (file, NULL, &error);
  if (stream == NULL)
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, _("--owner-map: cannot read “%s”: %s"), path, error->message);
      return NULL;
    }
  reader = scim_csv_reader_new (G_INPUT_STREAM (stream), NULL, NULL, &error);
  if (reader == NULL)
    {
      *code = scim_cli_fail (SCIM_CLI_USAGE, _("--owner-map: cannot read “%s”: %s"), path, error->message);
      return NULL;
    }
  for (;;)
    {
      g_autoptr(GPtrArray) fields = NULL;
      g_autoptr(ScimUser) user = NULL;
      g_autoptr(GError) local = NULL;
      g_autofree char *name = NULL;
      g_autofree char *login = NULL;
      guint line = 0;
      gint64 id = 0;

      if (!scim_csv_reader_next (reader, &fields, &line, NULL, &error))
        {
          if (error == NULL)
            break;
          *code = scim_cli_fail (SCIM_CLI_USAGE, _("--owner-map: “%s”: %s"), path, error->message);
          return NULL;
        }
      name = g_strstrip (g_strdup (fields->len > 0 ? (const char *) g_ptr_array_index (fields, 0) : ""));
      login = g_strstrip (g_strdup (fields->len > 1 ? (const char *) g_ptr_array_index (fields, 1) : ""));
      if (name[0] == '\0')
        continue;
      rows++;
      if (login[0] != '\0')
        {
          user = scim_store_find_user (store, login, &local);
          if (user == NULL)
            {
              if (rows == 1)
                continue;   /* the header */
              *code = scim_cli_fail (SCIM_CLI_USAGE, _("--owner-map: line %u of “%s”: there is no user “%s”. Write "
                                                       "a login from “users list”, or leave it empty to leave "
                                                       "the leads unassigned."),
                                     line, path, login);
              return NULL;
            }
          id = scim_record_get_id (SCIM_RECORD (user));
        }
      g_hash_table_insert (map, scim_fold_name (name), g_memdup2 (&id, sizeof id));
    }
  return g_steal_pointer (&map);
}

static int
cmd_import_leads (ScimCliGlobals  *g,
                  int              argc,
                  char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(ScimImportReport) preview = NULL;
  g_autoptr(ScimImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree ScimLeadField *mapping = NULL;
  g_autoptr(GHashTable) owner_map = NULL;
  ScimImportOptions options = { 0 };
  int last = -1;
  int code = SCIM_CLI_OK;

  if (!parse ("import leads", "FILE",
              _("Import leads from a CSV file (UTF-8 or Windows-1251; comma, semicolon or tab; a header row), "
                "such as an export of Bitrix24, amoCRM, Pipedrive or HubSpot, in one transaction. Columns are "
                "mapped by their headers; --map changes that. A row of a lead imported before (the same ID in "
                "the source, else the same e-mail or phone) updates that lead; other rows with the e-mail, "
                "phone or tax ID of a known lead or client are skipped as duplicates. Owners who are no users "
                "here leave their leads unassigned, with the name kept; --owner-map and --owner-default settle "
                "them. Rows that cannot be read are skipped and listed (--all-or-nothing: then nothing is "
                "imported, and it exits with 2). Anyone may import; a salesperson column needs a user who "
                "may accept leads."),
              import_entries, &argc, &argv, 1, &code))
    return code;

  store = scim_cli_open_store (g, SCIM_STORE_NONE, TRUE, &code);
  if (store == NULL)
    return code;
  file = g_file_new_for_commandline_arg (argv[1]);

  preview = scim_store_preview_leads (store, file, 0, NULL, &error);
  if (preview == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  mapping = build_mapping (preview->header, &code);
  if (mapping == NULL)
    return code;

  options.mapping = mapping;
  options.n_columns = g_strv_length (preview->header);
  options.dry_run = opt_dry_run;
  if (opt_skip_bad && opt_all_or_nothing)
    return scim_cli_fail (SCIM_CLI_USAGE, _("Choose --skip-bad or --all-or-nothing, not both."));
  options.skip_bad = !opt_all_or_nothing;
  options.keep_duplicates = opt_keep_duplicates;
  if (opt_owner_map != NULL && (owner_map = read_owner_map (store, opt_owner_map, &code)) == NULL)
    return code;
  options.owner_map = owner_map;
  if (opt_owner_default != NULL && (options.owner_default = find_user_id (store, opt_owner_default, &code)) == 0)
    return code;

  report = scim_store_import_leads (store, file, &options, NULL, scim_cli_progress, &last, &error);
  if (last >= 0)
    fputc ('\n', stderr);
  if (report == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);

  if (error == NULL)
    {
      if (opt_dry_run)
        {
          g_print (g_dngettext (GETTEXT_PACKAGE, "Would create %u lead (dry run: nothing was written).\n",
                                "Would create %u leads (dry run: nothing was written).\n", report->created),
                   report->created);
          if (report->matched > 0)
            g_print (g_dngettext (GETTEXT_PACKAGE, "%u row is a lead imported before: updated if it changed.\n",
                                  "%u rows are leads imported before: updated where they changed.\n",
                                  report->matched),
                     report->matched);
        }
      else
        {
          g_print (g_dngettext (GETTEXT_PACKAGE, "Created %u lead.\n", "Created %u leads.\n", report->created),
                   report->created);
          g_print (g_dngettext (GETTEXT_PACKAGE, "Updated %u lead.\n", "Updated %u leads.\n", report->updated),
                   report->updated);
          g_print (g_dngettext (GETTEXT_PACKAGE, "Unchanged: %u lead.\n", "Unchanged: %u leads.\n",
                                report->unchanged),
                   report->unchanged);
        }
      g_print (g_dngettext (GETTEXT_PACKAGE, "Refused: %u row.\n", "Refused: %u rows.\n", report->refused->len),
               report->refused->len);
    }
  if (report->unknown_owners->len > 0)
    {
      g_print ("%s\n", _("Owners who are not users here (their leads are unassigned, in the incoming queue; "
                          "settle them with --owner-map or --owner-default):"));
      for (guint i = 0; i < report->unknown_owners->len; i++)
        {
          ScimImportOwner *owner = g_ptr_array_index (report->unknown_owners, i);

          g_print (g_dngettext (GETTEXT_PACKAGE, "  %s: %u row\n", "  %s: %u rows\n", owner->rows), owner->name,
                   owner->rows);
        }
    }
  print_issues (report->duplicates, opt_keep_duplicates ? _("Duplicates:") : _("Skipped as duplicates:"));
  print_issues (report->refused, error == NULL ? _("Skipped, as they cannot be read:") : _("Refused:"));
  if (opt_refused_file != NULL && report->refused->len > 0)
    {
      g_autoptr(GFile) out_file = g_file_new_for_commandline_arg (opt_refused_file);
      g_autoptr(GFileOutputStream) out = NULL;
      g_autoptr(GError) local = NULL;

      out = g_file_replace (out_file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &local);
      if (out == NULL ||
          !scim_import_report_write_refused (report, G_OUTPUT_STREAM (out), NULL, &local) ||
          !g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &local))
        return scim_cli_fail (SCIM_CLI_USAGE, _("Cannot write the refused rows to “%s”: %s"), opt_refused_file,
                              local->message);
      g_print (g_dngettext (GETTEXT_PACKAGE, "%u refused row is in “%s”: fix it and import that file.\n",
                            "%u refused rows are in “%s”: fix them and import that file.\n",
                            scim_import_report_count_refused_cells (report)),
               scim_import_report_count_refused_cells (report), opt_refused_file);
    }
  if (error != NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  /* Skipping bad rows is no success when there was nothing else. */
  if (report->refused->len > 0 && report->created == 0 && report->matched == 0)
    return scim_cli_fail (SCIM_CLI_USAGE, _("No row of the file could be read; nothing was imported. See the "
                                            "reasons above, fix the file or the mapping (--map), and import it "
                                            "again."));
  return SCIM_CLI_OK;
}

static const ScimCliSubcommand import_subcommands[] = {
  { "leads", "leads FILE [--map COLUMN=FIELD…] [--owner-map FILE] [--all-or-nothing]", N_("Import leads from a CSV file"),
    cmd_import_leads },
  { NULL }
};

static int
cmd_import (ScimCliGlobals  *g,
            int              argc,
            char           **argv)
{
  return scim_cli_run_subcommand ("import", import_subcommands, value_options, NULL, g, argc, argv);
}

/* export */

static int
cmd_export_leads (ScimCliGlobals  *g,
                  int              argc,
                  char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimQuery) query = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  int code = SCIM_CLI_OK;

  if (!parse ("export leads", NULL,
              _("Write the leads as CSV (UTF-8, comma, a header row) on standard output, newest first; "
                "“import leads” reads it back."),
              filter_entries, &argc, &argv, 0, &code))
    return code;
  if (!check_state (&code))
    return code;
  store = scim_cli_open_store (g, SCIM_STORE_NONE, FALSE, &code);
  if (store == NULL)
    return code;
  query = lead_query (store, &code);
  if (query == NULL)
    return code;

  fflush (stdout);
  out = g_object_new (SCIM_TYPE_CLI_STDOUT, NULL);
  if (!scim_store_export_leads (store, query, out, NULL, NULL, NULL, &error))
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  return SCIM_CLI_OK;
}

static const ScimCliSubcommand export_subcommands[] = {
  { "leads", "leads [--state STATE] > FILE", N_("Export leads as CSV"), cmd_export_leads },
  { NULL }
};

static int
cmd_export (ScimCliGlobals  *g,
            int              argc,
            char           **argv)
{
  return scim_cli_run_subcommand ("export", export_subcommands, value_options, NULL, g, argc, argv);
}

/* leads list */

typedef enum
{
  CELL_TEXT,
  CELL_INT,
  CELL_TIME,
} CellType;

static const struct
{
  const char *key;        /* JSON key and CSV header */
  const char *column;     /* in the row */
  CellType    type;
  const char *title;      /* text header */
  gboolean    in_text;
} list_columns[] = {
  { "received", "received_at", CELL_TIME, N_("Received"), TRUE },
  { "state", "state", CELL_TEXT, N_("State"), TRUE },
  { "name", "name", CELL_TEXT, N_("Name"), TRUE },
  { "company", "company", CELL_TEXT, N_("Company"), TRUE },
  { "position", "position", CELL_TEXT, N_("Position"), FALSE },
  { "phone", "phone", CELL_TEXT, N_("Phone"), TRUE },
  { "email", "email", CELL_TEXT, N_("E-mail"), TRUE },
  { "tax_id", "tax_id", CELL_TEXT, N_("Tax ID"), FALSE },
  { "source", "source", CELL_TEXT, N_("Source"), FALSE },
  { "channel", "channel", CELL_TEXT, N_("Channel"), FALSE },
  { "product", "product", CELL_TEXT, N_("Product"), TRUE },
  { "owner", "owner_login", CELL_TEXT, N_("Salesperson"), TRUE },
  { "client_id", "client_id", CELL_INT, N_("Client"), FALSE },
  { "decided_at", "decided_at", CELL_TIME, N_("Decided"), FALSE },
  { "reject_reason", "reject_reason", CELL_TEXT, N_("Reject reason"), FALSE },
  { "notes", "notes", CELL_TEXT, N_("Notes"), FALSE },
};

/* Dates as the CLI writes them: YYYY-MM-DDTHH:MM, local time. */
static char *
cli_time (gint64 at)
{
  return scim_format_time (at, "%Y-%m-%dT%H:%M");
}

/* The value of a cell as text, or %NULL when it has none (JSON null). */
#define N_LIST_COLUMNS G_N_ELEMENTS (list_columns)

/* A row of the listing as its cells' text: [0] the id, then one per
 * column of list_columns, %NULL for a cell without a value. */
static void
cells_free (gpointer data)
{
  char **cells = data;

  for (guint c = 0; c <= N_LIST_COLUMNS; c++)
    g_free (cells[c]);
  g_free (cells);
}

typedef struct
{
  GPtrArray  *rows;     /* of cells */
  GHashTable *logins;
  int         id;       /* the statement's column of the id, */
  int         owner_id; /* of the owner */
  int         index[N_LIST_COLUMNS]; /* and of each of list_columns */
  gboolean    resolved; /* on the batch's first row */
} Collect;

/* The cells of the row @cursor stands on, read from the statement. */
static void
collect_row_cb (ScimRowCursor *cursor,
                gpointer       user_data)
{
  Collect *collect = user_data;
  char **cells = g_new0 (char *, N_LIST_COLUMNS + 1);
  gint64 n = 0;

  if (!collect->resolved)
    {
      collect->id = scim_row_cursor_find (cursor, "id");
      collect->owner_id = scim_row_cursor_find (cursor, "owner_id");
      for (guint c = 0; c < N_LIST_COLUMNS; c++)
        collect->index[c] = scim_row_cursor_find (cursor, list_columns[c].column);
      collect->resolved = TRUE;
    }
  if (scim_row_cursor_get_int (cursor, collect->id, &n))
    cells[0] = g_strdup_printf ("%" G_GINT64_FORMAT, n);
  for (guint c = 0; c < N_LIST_COLUMNS; c++)
    {
      int index = collect->index[c];
      const char *text;

      if (g_str_equal (list_columns[c].column, "owner_login"))
        {
          const char *login;

          n = 0;
          scim_row_cursor_get_int (cursor, collect->owner_id, &n);
          login = g_hash_table_lookup (collect->logins, &n);
          cells[c + 1] = g_strdup (login);
        }
      else if (scim_row_cursor_get_int (cursor, index, &n))
        {
          if (list_columns[c].type == CELL_TIME)
            cells[c + 1] = n != 0 ? cli_time (n) : NULL;
          else
            cells[c + 1] = g_strdup_printf ("%" G_GINT64_FORMAT, n);
        }
      else if ((text = scim_row_cursor_get_text (cursor, index)) != NULL)
        cells[c + 1] = g_strdup (text);
    }
  g_ptr_array_add (collect->rows, cells);
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

static void
print_batch (GPtrArray     *rows,
             ScimCliFormat  format,
             glong         *widths,
             gboolean      *first)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (format == SCIM_CLI_FORMAT_TEXT && *first)
    {
      widths[0] = MAX (2, widths[0]);
      for (guint r = 0; r < rows->len; r++)
        {
          const char *id = ((char **) g_ptr_array_index (rows, r))[0];

          widths[0] = MAX (widths[0], id != NULL ? (glong) strlen (id) : 0);
        }
      for (guint c = 0; c < G_N_ELEMENTS (list_columns); c++)
        {
          widths[c + 1] = g_utf8_strlen (_(list_columns[c].title), -1);
          for (guint r = 0; r < rows->len; r++)
            {
              const char *value = ((char **) g_ptr_array_index (rows, r))[c + 1];

              if (value != NULL)
                widths[c + 1] = MAX (widths[c + 1], MIN (TEXT_MAX_WIDTH, g_utf8_strlen (value, -1)));
            }
        }
      text_cell (out, _("ID"), widths[0], FALSE);
      for (guint c = 0, shown = 0; c < G_N_ELEMENTS (list_columns); c++)
        if (list_columns[c].in_text)
          text_cell (out, _(list_columns[c].title), widths[c + 1], ++shown == 8);
      g_strchomp (out->str);
      out->len = strlen (out->str);
      g_string_append_c (out, '\n');
    }

  for (guint r = 0; r < rows->len; r++)
    {
      char **cells = g_ptr_array_index (rows, r);
      const char *id = cells[0] != NULL ? cells[0] : "0";

      if (format == SCIM_CLI_FORMAT_JSON)
        g_string_append_printf (out, "%s\n  {\"id\": %s", *first && r == 0 ? "" : ",", id);
      else if (format == SCIM_CLI_FORMAT_CSV)
        g_string_append (out, id);
      else
        text_cell (out, id, widths[0], FALSE);

      for (guint c = 0, shown = 0; c < G_N_ELEMENTS (list_columns); c++)
        {
          const char *value = cells[c + 1];

          switch (format)
            {
            case SCIM_CLI_FORMAT_JSON:
              g_string_append (out, ", ");
              scim_cli_json_string (out, list_columns[c].key);
              g_string_append (out, ": ");
              if (value == NULL)
                g_string_append (out, "null");
              else if (list_columns[c].type == CELL_INT)
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
              if (!list_columns[c].in_text)
                break;
              if (g_str_equal (list_columns[c].key, "state") && value != NULL)
                text_cell (out, scim_format_state (value), widths[c + 1], ++shown == 8);
              else
                text_cell (out, value, widths[c + 1], ++shown == 8);
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
  if (rows->len > 0)
    *first = FALSE;
  fwrite (out->str, 1, out->len, stdout);
}

static const GOptionEntry list_entries[] = {
  { "format", 0, 0, G_OPTION_ARG_STRING, &opt_format, N_("text, csv or json (default: text)"), N_("FORMAT") },
  { "state", 0, 0, G_OPTION_ARG_STRING, &opt_state, N_("Only leads in this state: new, accepted or rejected"),
    N_("STATE") },
  { "search", 0, 0, G_OPTION_ARG_STRING, &opt_search, N_("Only leads whose name, company, phone or e-mail has TEXT"),
    N_("TEXT") },
  { "owner", 0, 0, G_OPTION_ARG_STRING, &opt_owner, N_("Only leads of this salesperson"), N_("LOGIN") },
  { NULL }
};

#define LIST_BATCH 1000

static int
cmd_leads_list (ScimCliGlobals  *g,
                int              argc,
                char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimQuery) query = NULL;
  g_autoptr(GHashTable) logins = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  glong widths[G_N_ELEMENTS (list_columns) + 1] = { 0 };
  gboolean first = TRUE;
  ScimCliFormat format;
  int code = SCIM_CLI_OK;

  if (!parse ("leads list", NULL,
              _("List the leads, newest first: when received, state, contact data, product, salesperson. "
                "JSON and CSV carry every field; dates are YYYY-MM-DDTHH:MM, local time."),
              list_entries, &argc, &argv, 0, &code))
    return code;
  if (!scim_cli_parse_format (opt_format, &format, &code) || !check_state (&code))
    return code;
  store = scim_cli_open_store (g, SCIM_STORE_NONE, FALSE, &code);
  if (store == NULL)
    return code;
  query = lead_query (store, &code);
  if (query == NULL)
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

  /* A page at a time, so a list of any length prints in little memory. */
  for (guint start = 0; start < ids->len; start += LIST_BATCH)
    {
      const gint64 *page = &g_array_index (ids, gint64, start);
      guint n = MIN (LIST_BATCH, ids->len - start);
      g_autoptr(GPtrArray) rows = g_ptr_array_new_full (n, cells_free);
      Collect collect = { .rows = rows, .logins = logins };

      if (!scim_store_each_listing_row (store, SCIM_LIST_LEADS, page, n, collect_row_cb, &collect, &error))
        return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
      print_batch (rows, format, widths, &first);
    }

  if (format == SCIM_CLI_FORMAT_JSON)
    g_print (first ? "]\n" : "\n]\n");
  else if (format == SCIM_CLI_FORMAT_TEXT && first)
    g_print ("%s\n", _("No leads."));
  return SCIM_CLI_OK;
}

/* leads accept */

static const GOptionEntry accept_entries[] = {
  { "product", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_products,
    N_("A product the lead wants; one sale is made per product (may be repeated)"), N_("NAME") },
  { "owner", 0, 0, G_OPTION_ARG_STRING, &opt_owner, N_("The salesperson who works the sales"), N_("LOGIN") },
  { "client", 0, 0, G_OPTION_ARG_STRING, &opt_client,
    N_("The client: an id, or “new” to make one from the lead (default: the first suggested client, "
       "else a new one)"), N_("ID|new") },
  { NULL }
};

static int
cmd_leads_accept (ScimCliGlobals  *g,
                  int              argc,
                  char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GArray) products = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) clients = NULL;
  const char *client_name = "";
  g_autofree char *client_text = NULL;
  gint64 lead_id, owner_id, client_id = 0;
  int code = SCIM_CLI_OK;

  if (!parse ("leads accept", "ID",
              _("Accept a new lead: link it to a client (found or made), make one sale per product at the first "
                "stage of its funnel for the salesperson, and ask them to build a plan. Heads of sales, "
                "administrators and users allowed to accept leads only."),
              accept_entries, &argc, &argv, 1, &code))
    return code;
  if (!parse_id (argv[1], "ID", &lead_id, &code))
    return code;
  if (opt_products == NULL || opt_products[0] == NULL)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--product: name at least one product the lead wants."));
  if (opt_owner == NULL)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--owner: say which salesperson works with the lead."));
  if (opt_client != NULL && !g_str_equal (opt_client, "new") && !parse_id (opt_client, "--client", &client_id, &code))
    return code;

  store = scim_cli_open_store (g, SCIM_STORE_NONE, TRUE, &code);
  if (store == NULL)
    return code;
  for (guint i = 0; opt_products[i] != NULL; i++)
    {
      g_autoptr(ScimProduct) product = scim_store_find_product (store, opt_products[i], &error);
      gint64 id;

      if (product == NULL)
        return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
      id = scim_record_get_id (SCIM_RECORD (product));
      g_array_append_val (products, id);
    }
  owner_id = find_user_id (store, opt_owner, &code);
  if (owner_id == 0)
    return code;

  if (opt_client == NULL)
    {
      g_autoptr(GListModel) suggested = scim_store_suggest_clients (store, lead_id, &error);

      if (suggested == NULL)
        return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
      if (g_list_model_get_n_items (suggested) > 0)
        {
          g_autoptr(ScimRecord) client = g_list_model_get_item (suggested, 0);
          client_id = scim_record_get_id (client);
        }
    }

  if (!scim_store_accept_lead (store, lead_id, client_id, (const gint64 *) (gpointer) products->data, products->len,
                               owner_id, &error))
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);

  /* Say which client it went to, found or made. */
  rows = scim_store_load_rows (store, SCIM_LIST_LEADS, &lead_id, 1, NULL);
  if (rows != NULL && rows->len == 1)
    g_variant_lookup (g_ptr_array_index (rows, 0), "client_id", "x", &client_id);
  clients = scim_store_load_rows (store, SCIM_LIST_CLIENTS, &client_id, 1, NULL);
  if (clients != NULL && clients->len == 1)
    g_variant_lookup (g_ptr_array_index (clients, 0), "name", "&s", &client_name);
  client_text = g_strdup_printf ("%" G_GINT64_FORMAT, client_id);
  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "Lead %s accepted: client %s “%s”, %u sale for %s, who is asked to build a plan.\n",
                        "Lead %s accepted: client %s “%s”, %u sales for %s, who is asked to build a plan.\n",
                        products->len),
           argv[1], client_text, client_name, products->len, opt_owner);
  return SCIM_CLI_OK;
}

/* leads reject */

static const GOptionEntry reject_entries[] = {
  { "reason", 0, 0, G_OPTION_ARG_STRING, &opt_reason, N_("Why the lead is rejected (required)"), N_("TEXT") },
  { NULL }
};

static int
cmd_leads_reject (ScimCliGlobals  *g,
                  int              argc,
                  char           **argv)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 lead_id;
  int code = SCIM_CLI_OK;

  if (!parse ("leads reject", "ID",
              _("Reject a new lead, saying why. Heads of sales, administrators and users allowed to accept leads "
                "only."),
              reject_entries, &argc, &argv, 1, &code))
    return code;
  if (!parse_id (argv[1], "ID", &lead_id, &code))
    return code;
  if (opt_reason == NULL)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--reason: say why the lead is rejected."));

  store = scim_cli_open_store (g, SCIM_STORE_NONE, TRUE, &code);
  if (store == NULL)
    return code;
  if (!scim_store_reject_lead (store, lead_id, opt_reason, &error))
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  g_print (_("Lead %s rejected.\n"), argv[1]);
  return SCIM_CLI_OK;
}

static const ScimCliSubcommand leads_subcommands[] = {
  { "list", "list [--state STATE] [--format FORMAT]", N_("List the leads"), cmd_leads_list },
  { "accept", "accept ID --product NAME --owner LOGIN", N_("Accept a lead"), cmd_leads_accept },
  { "reject", "reject ID --reason TEXT", N_("Reject a lead"), cmd_leads_reject },
  { NULL }
};

static int
cmd_leads (ScimCliGlobals  *g,
           int              argc,
           char           **argv)
{
  return scim_cli_run_subcommand ("leads", leads_subcommands, value_options, NULL, g, argc, argv);
}

const ScimCliCommand scim_cli_leads_commands[] = {
  { "import", N_("Import data: leads FILE"), cmd_import },
  { "export", N_("Export data as CSV: leads"), cmd_export },
  { "leads", N_("List, accept and reject leads: list, accept, reject"), cmd_leads },
  { NULL }
};
