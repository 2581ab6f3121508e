/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include "scim-core.h"

/* scim-sales-cli: the core for scripts and batch jobs.  Exit codes: 0 done,
 * 1 a check failed, 2 bad usage or a file it cannot use, with a one-line
 * reason on standard error. */

enum {
  EXIT_OK = 0,
  EXIT_CHECK_FAILED = 1,
  EXIT_USAGE = 2,
};

typedef struct
{
  char *db;
  char *user;
} Globals;

typedef int (*CommandFunc) (Globals *globals, int argc, char **argv);

typedef struct
{
  const char  *name;
  const char  *parameters;
  const char  *summary;
  CommandFunc  func;
} Command;

static Globals globals;

static const GOptionEntry global_entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &globals.db, N_("The database file (default: the app’s own)"), N_("FILE") },
  { "user", 0, 0, G_OPTION_ARG_STRING, &globals.user, N_("Act as this user (needed by commands that write)"), N_("LOGIN") },
  { NULL }
};

static int
fail (int         code,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static int
fail (int         code,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* One line: scripts read the reason with `2>&1 | tail -1`. */
  g_strdelimit (message, "\n", ' ');
  fprintf (stderr, "scim-sales-cli: %s\n", message);
  return code;
}

static char *
db_path (Globals *g)
{
  if (g->db != NULL)
    return g_canonicalize_filename (g->db, NULL);
  return scim_store_get_default_path ();
}

static GOptionContext *
command_context (const char         *name,
                 const char         *parameters,
                 const char         *summary,
                 const GOptionEntry *entries)
{
  g_autofree char *title = g_strdup_printf ("%s %s", name, parameters != NULL ? parameters : "");
  GOptionContext *context = g_option_context_new (title);

  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Global options are shown with each command's own. */
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);
  return context;
}

static gboolean
parse_command (GOptionContext  *context,
               int             *argc,
               char          ***argv,
               int             *code)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *code = fail (EXIT_USAGE, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

static int
store_error_code (const GError *error)
{
  return g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CORRUPT) ? EXIT_CHECK_FAILED : EXIT_USAGE;
}

static char *
read_password (const char *login)
{
  const char *env = g_getenv ("SCIM_SALES_PASSWORD");
  struct termios old, quiet;
  char buf[512];
  char *line;

  if (env != NULL)
    return g_strdup (env);
  if (!isatty (STDIN_FILENO))
    return NULL;

  fprintf (stderr, _("Password for %s: "), login);
  tcgetattr (STDIN_FILENO, &old);
  quiet = old;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
  line = fgets (buf, sizeof buf, stdin);
  tcsetattr (STDIN_FILENO, TCSANOW, &old);
  fputc ('\n', stderr);
  if (line == NULL)
    return NULL;
  g_strchomp (buf);
  return g_strdup (buf);
}

/* Opens the database and, for a writing command, signs in as --user. */
static ScimStore *
open_store (Globals         *g,
            ScimStoreFlags   flags,
            gboolean         needs_user,
            int             *code)
{
  g_autofree char *path = db_path (g);
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = scim_store_open (path, flags, &error);
  if (store == NULL)
    {
      *code = fail (store_error_code (error), "%s", error->message);
      return NULL;
    }

  if (needs_user && scim_store_is_read_only (store))
    {
      *code = fail (EXIT_USAGE, "%s", scim_store_get_read_only_reason (store));
      return NULL;
    }

  if (g->user != NULL)
    {
      g_autoptr(ScimUser) user = scim_store_find_user (store, g->user, &error);
      g_autofree char *password = NULL;
      g_autoptr(ScimUser) signed_in = NULL;

      if (user == NULL)
        {
          *code = fail (EXIT_USAGE, "%s", error->message);
          return NULL;
        }
      if (scim_record_get_bool (SCIM_RECORD (user), "has-password"))
        password = read_password (g->user);
      signed_in = scim_store_sign_in (store, g->user, password, &error);
      if (signed_in == NULL)
        {
          *code = fail (EXIT_USAGE, "%s", error->message);
          return NULL;
        }
    }
  else if (needs_user)
    {
      *code = fail (EXIT_USAGE, _("This command changes the database: say who you are with --user LOGIN."));
      return NULL;
    }

  return g_steal_pointer (&store);
}

/* init */

static char *init_name;
static char *init_email;
static gboolean init_no_template;

static const GOptionEntry init_entries[] = {
  { "name", 0, 0, G_OPTION_ARG_STRING, &init_name, N_("Full name of the first administrator"), N_("TEXT") },
  { "email", 0, 0, G_OPTION_ARG_STRING, &init_email, N_("E-mail of the first administrator"), N_("ADDRESS") },
  { "no-template", 0, 0, G_OPTION_ARG_NONE, &init_no_template,
    N_("Do not add the built-in “Financial consulting” product"), NULL },
  { NULL }
};

static int
cmd_init (Globals  *g,
          int       argc,
          char    **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int code = EXIT_OK;

  context = command_context ("init", NULL,
                             _("Create a new database. With --user LOGIN, that user becomes its first administrator."),
                             init_entries);
  if (!parse_command (context, &argc, &argv, &code))
    return code;
  if (argc > 1)
    return fail (EXIT_USAGE, _("init takes no arguments; name the file with --db FILE."));

  path = db_path (g);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      /* Never touch an existing file: it may be someone's work. */
      return fail (EXIT_USAGE, _("“%s” already exists. Choose a new file name, or open it instead."), path);
    }
  if (g->db == NULL)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      g_mkdir_with_parents (dir, 0700);
    }

  store = scim_store_open (path, SCIM_STORE_CREATE, &error);
  if (store == NULL)
    return fail (store_error_code (error), "%s", error->message);

  if (g->user != NULL)
    {
      g_autoptr(ScimUser) admin = NULL;

      if (scim_store_add_user (store, g->user, init_name, init_email, SCIM_ROLE_ADMIN, TRUE, NULL, &error) == 0 ||
          (admin = scim_store_sign_in (store, g->user, NULL, &error)) == NULL ||
          (!init_no_template && scim_store_add_template_product (store, NULL, &error) == 0))
        {
          scim_store_close (store);
          g_unlink (path);
          return fail (EXIT_USAGE, "%s", error->message);
        }
    }

  g_print (_("Created %s\n"), path);
  return EXIT_OK;
}

/* demo */

static char *demo_scale;
static int demo_seed = 1;

static const GOptionEntry demo_entries[] = {
  { "scale", 0, 0, G_OPTION_ARG_STRING, &demo_scale, N_("small, medium or large"), N_("SCALE") },
  { "seed", 0, 0, G_OPTION_ARG_INT, &demo_seed, N_("Seed of the random data; the same seed gives the same data"), N_("N") },
  { NULL }
};

static void
print_progress (double   fraction,
                gpointer user_data)
{
  int *last = user_data;
  int percent = (int) (fraction * 100);

  if (percent != *last && isatty (STDERR_FILENO))
    {
      fprintf (stderr, "\r%3d%%", percent);
      fflush (stderr);
      *last = percent;
    }
}

static int
cmd_demo (Globals  *g,
          int       argc,
          char    **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  ScimDemoScale scale = SCIM_DEMO_SMALL;
  gboolean created;
  int code = EXIT_OK;
  int last = -1;

  context = command_context ("demo", NULL,
                             _("Fill a new or empty database with realistic demo data: users of every role "
                               "(none with a password; the administrator is “admin”), clients, products with "
                               "their funnels, leads, sales with a year of history, tasks and sales-book events."),
                             demo_entries);
  if (!parse_command (context, &argc, &argv, &code))
    return code;
  if (argc > 1)
    return fail (EXIT_USAGE, _("demo takes no arguments; name the file with --db FILE."));
  if (demo_scale != NULL && !scim_demo_scale_from_string (demo_scale, &scale))
    return fail (EXIT_USAGE, _("--scale: “%s” is not small, medium or large."), demo_scale);
  if (demo_seed < 0)
    return fail (EXIT_USAGE, _("--seed: use a number of 0 or more."));

  path = db_path (g);
  created = !g_file_test (path, G_FILE_TEST_EXISTS);
  if (created && g->db == NULL)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      g_mkdir_with_parents (dir, 0700);
    }

  store = scim_store_open (path, SCIM_STORE_CREATE, &error);
  if (store == NULL)
    return fail (store_error_code (error), "%s", error->message);
  if (scim_store_is_read_only (store))
    return fail (EXIT_USAGE, "%s", scim_store_get_read_only_reason (store));

  if (scim_store_count_users (store, NULL) > 0)
    {
      /* A database with users is someone's: only its admin may add demo data. */
      g_clear_object (&store);
      store = open_store (g, SCIM_STORE_NONE, TRUE, &code);
      if (store == NULL)
        return code;
      if (!scim_store_require_role (store, SCIM_ROLE_ADMIN, &error))
        return fail (EXIT_USAGE, "%s", error->message);
    }

  if (!scim_store_fill_demo (store, scale, (guint32) demo_seed, NULL, print_progress, &last, &error))
    {
      if (isatty (STDERR_FILENO))
        fputc ('\n', stderr);
      scim_store_close (store);
      if (created)
        g_unlink (path);
      return fail (EXIT_USAGE, "%s", error->message);
    }
  if (isatty (STDERR_FILENO))
    fputc ('\n', stderr);

  g_print (_("Demo data written to %s\n"), path);
  return EXIT_OK;
}

/* check */

static gboolean check_full;

static const GOptionEntry check_entries[] = {
  { "full", 0, 0, G_OPTION_ARG_NONE, &check_full, N_("Run the full integrity check (slower)"), NULL },
  { NULL }
};

static int
cmd_check (Globals  *g,
           int       argc,
           char    **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *path = NULL;
  int code = EXIT_OK;

  context = command_context ("check", NULL,
                             _("Check the database: schema version, pages and foreign keys. "
                               "Exits with 1 and says what is wrong when the check fails."),
                             check_entries);
  if (!parse_command (context, &argc, &argv, &code))
    return code;
  if (argc > 1)
    return fail (EXIT_USAGE, _("check takes no arguments; name the file with --db FILE."));

  path = db_path (g);
  store = scim_store_open (path, SCIM_STORE_INSPECT | SCIM_STORE_NO_CHECK, &error);
  if (store == NULL)
    return fail (store_error_code (error), "%s", error->message);

  if (!scim_store_check (store, check_full, &problems, &error))
    return fail (store_error_code (error), "%s", error->message);

  g_print (_("Schema version: %d\n"), scim_store_get_schema_version (store));
  if (problems->len > 0)
    {
      for (guint i = 0; i < problems->len; i++)
        g_print ("%s\n", (const char *) g_ptr_array_index (problems, i));
      return fail (EXIT_CHECK_FAILED,
                   g_dngettext (GETTEXT_PACKAGE, "%u problem found in %s", "%u problems found in %s", problems->len),
                   problems->len, path);
    }
  g_print (_("No problems found.\n"));
  return EXIT_OK;
}

/* backup */

static int backup_keep;

static const GOptionEntry backup_entries[] = {
  { "keep", 0, 0, G_OPTION_ARG_INT, &backup_keep,
    N_("Keep this many earlier backups as DEST.1, DEST.2, …"), N_("N") },
  { NULL }
};

static void
rotate (const char *dest,
        int         keep)
{
  for (int i = keep; i >= 1; i--)
    {
      g_autofree char *from = i == 1 ? g_strdup (dest) : g_strdup_printf ("%s.%d", dest, i - 1);
      g_autofree char *to = g_strdup_printf ("%s.%d", dest, i);

      if (g_file_test (from, G_FILE_TEST_EXISTS))
        g_rename (from, to);
    }
}

static int
cmd_backup (Globals  *g,
            int       argc,
            char    **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int code = EXIT_OK;
  int last = -1;

  context = command_context ("backup", "DEST",
                             _("Copy the database to DEST with SQLite’s backup API; the copy is checked "
                               "before it replaces DEST."),
                             backup_entries);
  if (!parse_command (context, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return fail (EXIT_USAGE, _("backup needs one argument: the file to write."));
  if (backup_keep < 0)
    return fail (EXIT_USAGE, _("--keep: use a number of 0 or more."));

  path = db_path (g);
  store = scim_store_open (path, SCIM_STORE_INSPECT, &error);
  if (store == NULL)
    return fail (store_error_code (error), "%s", error->message);

  /* Write the verified copy first, then rotate, so a failure keeps every
   * earlier generation. */
  {
    g_autofree char *tmp = g_strdup_printf ("%s.new", argv[1]);

    if (!scim_store_backup (store, tmp, NULL, print_progress, &last, &error))
      return fail (store_error_code (error), "%s", error->message);
    if (isatty (STDERR_FILENO))
      fputc ('\n', stderr);
    if (backup_keep > 0)
      rotate (argv[1], backup_keep);
    if (g_rename (tmp, argv[1]) != 0)
      {
        int saved = errno;
        g_unlink (tmp);
        return fail (EXIT_USAGE, _("Cannot write “%s”: %s."), argv[1], g_strerror (saved));
      }
  }

  g_print (_("Backup written to %s\n"), argv[1]);
  return EXIT_OK;
}

static const Command commands[] = {
  { "init", NULL, N_("Create a new database"), cmd_init },
  { "demo", NULL, N_("Fill a database with demo data"), cmd_demo },
  { "check", NULL, N_("Check a database"), cmd_check },
  { "backup", "DEST", N_("Copy a database, verified"), cmd_backup },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: scim-sales-cli [--db FILE] [--user LOGIN] COMMAND [OPTIONS…]"));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-8s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run “scim-sales-cli COMMAND --help” for the options of a command."));
}

int
main (int    argc,
      char **argv)
{
  const Command *command = NULL;
  int first = 0;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("SCIM_LOCALEDIR") != NULL ? g_getenv ("SCIM_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* The command is the first word that is neither an option nor the value
   * of a global option; global options may come before or after it. */
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--db") || g_str_equal (argv[i], "--user"))
        {
          i++;
          continue;
        }
      if (argv[i][0] != '-')
        {
          first = i;
          break;
        }
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          print_usage (stdout);
          return EXIT_OK;
        }
      if (g_str_equal (argv[i], "--version"))
        {
          g_print ("scim-sales-cli %s\n", PACKAGE_VERSION);
          return EXIT_OK;
        }
    }

  if (first == 0)
    {
      print_usage (stderr);
      return fail (EXIT_USAGE, _("Name a command."));
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, argv[first]))
      command = &commands[i];
  if (command == NULL)
    return fail (EXIT_USAGE, _("“%s” is not a command. Run “scim-sales-cli --help” for the list."), argv[first]);

  /* Hand the command its words with the command name in front, as GOption
   * expects argv[0]; global options are parsed along with its own. */
  {
    g_autoptr(GPtrArray) args = g_ptr_array_new ();
    int code;

    g_ptr_array_add (args, argv[first]);
    for (int i = 1; i < argc; i++)
      if (i != first)
        g_ptr_array_add (args, argv[i]);
    g_ptr_array_add (args, NULL);

    code = command->func (&globals, (int) args->len - 1, (char **) args->pdata);
    g_free (globals.db);
    g_free (globals.user);
    return code;
  }
}
