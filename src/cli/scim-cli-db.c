/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-cli-db"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "scim-cli.h"

/* Commands on the database file itself: init, demo, check, backup. */

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
cmd_init (ScimCliGlobals  *g,
          int       argc,
          char    **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int code = SCIM_CLI_OK;

  context = scim_cli_context ("init", NULL,
                             _("Create a new database. With --user LOGIN, that user becomes its first administrator."),
                             init_entries);
  if (!scim_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc > 1)
    return scim_cli_fail (SCIM_CLI_USAGE, _("init takes no arguments; name the file with --db FILE."));

  path = scim_cli_db_path (g);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      /* Never touch an existing file: it may be someone's work. */
      return scim_cli_fail (SCIM_CLI_USAGE, _("“%s” already exists. Choose a new file name, or open it instead."), path);
    }
  if (g->db == NULL)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      g_mkdir_with_parents (dir, 0700);
    }

  store = scim_store_open (path, SCIM_STORE_CREATE | scim_cli_store_flags (g), &error);
  if (store == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);

  if (g->user != NULL)
    {
      g_autoptr(ScimUser) admin = NULL;

      if (scim_store_add_user (store, g->user, init_name, init_email, SCIM_ROLE_ADMIN, TRUE, NULL, &error) == 0 ||
          (admin = scim_store_sign_in (store, g->user, NULL, &error)) == NULL ||
          (!init_no_template && scim_store_add_template_product (store, NULL, &error) == 0))
        {
          scim_store_close (store);
          g_unlink (path);
          return scim_cli_fail (SCIM_CLI_USAGE, "%s", error->message);
        }
    }

  g_print (_("Created %s\n"), path);
  return SCIM_CLI_OK;
}

/* demo */

static char *demo_scale;
static int demo_seed = 1;

static const GOptionEntry demo_entries[] = {
  { "scale", 0, 0, G_OPTION_ARG_STRING, &demo_scale, N_("small, medium or large"), N_("SCALE") },
  { "seed", 0, 0, G_OPTION_ARG_INT, &demo_seed, N_("Seed of the random data; the same seed gives the same data"), N_("N") },
  { NULL }
};

static int
cmd_demo (ScimCliGlobals  *g,
          int       argc,
          char    **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  ScimDemoScale scale = SCIM_DEMO_SMALL;
  gboolean created;
  int code = SCIM_CLI_OK;
  int last = -1;

  context = scim_cli_context ("demo", NULL,
                             _("Fill a new or empty database with realistic demo data: users of every role "
                               "(none with a password; the administrator is “admin”), clients, products with "
                               "their funnels, leads, sales with a year of history, tasks and sales-book events."),
                             demo_entries);
  if (!scim_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc > 1)
    return scim_cli_fail (SCIM_CLI_USAGE, _("demo takes no arguments; name the file with --db FILE."));
  if (demo_scale != NULL && !scim_demo_scale_from_string (demo_scale, &scale))
    return scim_cli_fail (SCIM_CLI_USAGE, _("--scale: “%s” is not small, medium or large."), demo_scale);
  if (demo_seed < 0)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--seed: use a number of 0 or more."));

  path = scim_cli_db_path (g);
  created = !g_file_test (path, G_FILE_TEST_EXISTS);
  if (created && g->db == NULL)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      g_mkdir_with_parents (dir, 0700);
    }

  store = scim_store_open (path, SCIM_STORE_CREATE | scim_cli_store_flags (g), &error);
  if (store == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  if (scim_store_is_read_only (store))
    return scim_cli_fail (SCIM_CLI_USAGE, "%s", scim_store_get_read_only_reason (store));

  if (scim_store_count_users (store, NULL) > 0)
    {
      /* A database with users is someone's: only its admin may add demo data. */
      g_clear_object (&store);
      store = scim_cli_open_store (g, SCIM_STORE_NONE, TRUE, &code);
      if (store == NULL)
        return code;
      if (!scim_store_require_role (store, SCIM_ROLE_ADMIN, &error))
        return scim_cli_fail (SCIM_CLI_USAGE, "%s", error->message);
    }

  if (!scim_store_fill_demo (store, scale, (guint32) demo_seed, NULL, scim_cli_progress, &last, &error))
    {
      if (isatty (STDERR_FILENO))
        fputc ('\n', stderr);
      scim_store_close (store);
      if (created)
        g_unlink (path);
      return scim_cli_fail (SCIM_CLI_USAGE, "%s", error->message);
    }
  if (isatty (STDERR_FILENO))
    fputc ('\n', stderr);

  g_print (_("Demo data written to %s\n"), path);
  return SCIM_CLI_OK;
}

/* check */

static gboolean check_full;

static const GOptionEntry check_entries[] = {
  { "full", 0, 0, G_OPTION_ARG_NONE, &check_full, N_("Run the full integrity check (slower)"), NULL },
  { NULL }
};

static int
cmd_check (ScimCliGlobals  *g,
           int       argc,
           char    **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *path = NULL;
  int code = SCIM_CLI_OK;

  context = scim_cli_context ("check", NULL,
                             _("Check the database: schema version, pages and foreign keys. "
                               "Exits with 1 and says what is wrong when the check fails."),
                             check_entries);
  if (!scim_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc > 1)
    return scim_cli_fail (SCIM_CLI_USAGE, _("check takes no arguments; name the file with --db FILE."));

  path = scim_cli_db_path (g);
  store = scim_store_open (path, SCIM_STORE_INSPECT | SCIM_STORE_NO_CHECK | scim_cli_store_flags (g), &error);
  if (store == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);

  if (!scim_store_check (store, check_full, &problems, &error))
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);

  g_print (_("Schema version: %d\n"), scim_store_get_schema_version (store));
  if (problems->len > 0)
    {
      for (guint i = 0; i < problems->len; i++)
        g_print ("%s\n", (const char *) g_ptr_array_index (problems, i));
      return scim_cli_fail (SCIM_CLI_CHECK_FAILED,
                   g_dngettext (GETTEXT_PACKAGE, "%u problem found in %s", "%u problems found in %s", problems->len),
                   problems->len, path);
    }
  g_print (_("No problems found.\n"));
  return SCIM_CLI_OK;
}

/* backup */

static int backup_keep = -1;
static char *backup_folder;

static const GOptionEntry backup_entries[] = {
  { "keep", 0, 0, G_OPTION_ARG_INT, &backup_keep,
    N_("With DEST: keep this many earlier backups as DEST.1, DEST.2, …; without: keep this many "
       "generations (default 7)"), N_("N") },
  { "folder", 0, 0, G_OPTION_ARG_FILENAME, &backup_folder,
    N_("Without DEST: the backups’ folder (default: NAME-backups beside the database)"), N_("DIR") },
  { NULL }
};

/* A new generation in the backups' folder, as the app makes them. */
static int
backup_generation (ScimCliGlobals *g)
{
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = scim_cli_db_path (g);
  g_autofree char *folder = scim_backups_get_folder (path, backup_folder);
  g_autofree char *made = NULL;

  store = scim_store_open (path, SCIM_STORE_INSPECT | SCIM_STORE_NO_CHECK | scim_cli_store_flags (g), &error);
  if (store == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  made = scim_backups_make (store, folder, backup_keep > 0 ? (guint) backup_keep : SCIM_BACKUPS_DEFAULT_KEEP,
                            NULL, &error);
  if (made == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  g_print (_("Backup written to %s\n"), made);
  return SCIM_CLI_OK;
}

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
cmd_backup (ScimCliGlobals  *g,
            int       argc,
            char    **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int code = SCIM_CLI_OK;
  int last = -1;

  context = scim_cli_context ("backup", "[DEST]",
                             _("Copy the database to DEST with SQLite’s backup API; the copy is checked "
                               "before it replaces DEST. Without DEST, add a generation to the backups’ "
                               "folder and delete the oldest beyond --keep, as the app does."),
                             backup_entries);
  if (!scim_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc > 2)
    return scim_cli_fail (SCIM_CLI_USAGE, _("backup takes at most one argument: the file to write."));
  if (backup_keep < -1)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--keep: use a number of 0 or more."));
  if (argc == 1)
    return backup_generation (g);
  if (backup_folder != NULL)
    return scim_cli_fail (SCIM_CLI_USAGE, _("--folder is for backups without DEST."));
  if (backup_keep < 0)
    backup_keep = 0;

  path = scim_cli_db_path (g);
  store = scim_store_open (path, SCIM_STORE_INSPECT | scim_cli_store_flags (g), &error);
  if (store == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);

  /* Write the verified copy first, then rotate, so a failure keeps every
   * earlier generation. */
  {
    g_autofree char *tmp = g_strdup_printf ("%s.new", argv[1]);

    if (!scim_store_backup (store, tmp, NULL, scim_cli_progress, &last, &error))
      return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
    if (isatty (STDERR_FILENO))
      fputc ('\n', stderr);
    if (backup_keep > 0)
      rotate (argv[1], backup_keep);
    if (g_rename (tmp, argv[1]) != 0)
      {
        int saved = errno;
        g_unlink (tmp);
        return scim_cli_fail (SCIM_CLI_USAGE, _("Cannot write “%s”: %s."), argv[1], g_strerror (saved));
      }
  }

  g_print (_("Backup written to %s\n"), argv[1]);
  return SCIM_CLI_OK;
}

/* backups */

static char *backups_folder;

static const GOptionEntry backups_entries[] = {
  { "folder", 0, 0, G_OPTION_ARG_FILENAME, &backups_folder,
    N_("The backups’ folder (default: NAME-backups beside the database)"), N_("DIR") },
  { NULL }
};

static int
cmd_backups (ScimCliGlobals  *g,
             int              argc,
             char           **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;
  int code = SCIM_CLI_OK;

  context = scim_cli_context ("backups", NULL,
                             _("List the generations of automatic backups of the database, newest first: "
                               "when each was made, its size and its file."),
                             backups_entries);
  if (!scim_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc > 1)
    return scim_cli_fail (SCIM_CLI_USAGE, _("backups takes no arguments; name the file with --db FILE."));
  path = scim_cli_db_path (g);
  folder = scim_backups_get_folder (path, backups_folder);
  backups = scim_backups_list (folder, path, &error);
  if (backups == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  if (backups->len == 0)
    g_print (_("No backups in %s yet.\n"), folder);
  for (guint i = 0; i < backups->len; i++)
    {
      const ScimBackup *backup = g_ptr_array_index (backups, i);
      g_autofree char *when = scim_format_date_time (backup->made_at);
      g_autofree char *size = g_format_size (backup->size);

      g_print ("%s\t%s\t%s\n", when, size, backup->path);
    }
  return SCIM_CLI_OK;
}

/* restore */

static char *restore_folder;
static gboolean restore_latest;

static const GOptionEntry restore_entries[] = {
  { "latest", 0, 0, G_OPTION_ARG_NONE, &restore_latest,
    N_("Restore the newest automatic backup"), NULL },
  { "folder", 0, 0, G_OPTION_ARG_FILENAME, &restore_folder,
    N_("The backups’ folder (default: NAME-backups beside the database)"), N_("DIR") },
  { NULL }
};

static int
cmd_restore (ScimCliGlobals  *g,
             int              argc,
             char           **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *aside = NULL;
  int code = SCIM_CLI_OK;

  context = scim_cli_context ("restore", "[BACKUP]",
                             _("Replace the database with BACKUP (or with the newest automatic backup, "
                               "--latest). The current file is kept aside in the backups’ folder first. "
                               "Refused while others have the database open."),
                             restore_entries);
  if (!scim_cli_parse (context, &argc, &argv, &code))
    return code;
  if ((argc == 2) == restore_latest || argc > 2)
    return scim_cli_fail (SCIM_CLI_USAGE, _("restore needs a backup file, or --latest."));
  path = scim_cli_db_path (g);
  folder = scim_backups_get_folder (path, restore_folder);
  if (restore_latest)
    {
      backups = scim_backups_list (folder, path, &error);
      if (backups == NULL)
        return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
      if (backups->len == 0)
        return scim_cli_fail (SCIM_CLI_USAGE, _("There are no backups in %s to restore."), folder);
      backup = g_strdup (((const ScimBackup *) g_ptr_array_index (backups, 0))->path);
    }
  else
    backup = g_strdup (argv[1]);

  /* Open without the full check: a damaged file is what a restore is for. */
  store = scim_store_open (path, SCIM_STORE_NO_CHECK | scim_cli_store_flags (g), &error);
  if (store == NULL)
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  if (g_mkdir_with_parents (folder, 0700) != 0)
    return scim_cli_fail (SCIM_CLI_USAGE, _("Cannot make the backups’ folder “%s”: %s."), folder,
                          g_strerror (errno));
  aside = scim_backups_aside_path (folder, path, g_get_real_time () / G_USEC_PER_SEC);
  if (!scim_store_restore (store, backup, aside, NULL, &error))
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  scim_store_close (store);
  g_print (_("Restored %s from %s; the file it replaced is kept as %s\n"), path, backup, aside);
  return SCIM_CLI_OK;
}

static int
cmd_vacuum (ScimCliGlobals  *g,
            int              argc,
            char           **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int code = SCIM_CLI_OK;

  context = scim_cli_context ("vacuum", NULL,
                             _("Compact the database: rewrite it without its free pages. It refuses while "
                               "anyone else has the file open, and says who."),
                             NULL);
  if (!scim_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc > 1)
    return scim_cli_fail (SCIM_CLI_USAGE, _("vacuum takes no arguments."));
  path = scim_cli_db_path (g);
  store = scim_store_open (path, scim_cli_store_flags (g), &error);
  if (store == NULL || !scim_store_vacuum (store, &error))
    return scim_cli_fail (scim_cli_error_code (error), "%s", error->message);
  scim_store_close (store);
  g_print (_("Compacted %s\n"), path);
  return SCIM_CLI_OK;
}

const ScimCliCommand scim_cli_db_commands[] = {
  { "init", N_("Create a new database"), cmd_init },
  { "demo", N_("Fill a database with demo data"), cmd_demo },
  { "check", N_("Check a database"), cmd_check },
  { "backup", N_("Copy a database, verified"), cmd_backup },
  { "backups", N_("List the automatic backups"), cmd_backups },
  { "restore", N_("Restore a database from a backup"), cmd_restore },
  { "vacuum", N_("Compact a database (nobody else may have it open)"), cmd_vacuum },
  { NULL }
};
