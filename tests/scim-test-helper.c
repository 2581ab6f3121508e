/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "scim-core.h"

/* A second process for the store tests: it holds the write lock, keeps a
 * session open, or commits a change, so the suite exercises real locking
 * between processes rather than a mock. */

static int
hold_lock (const char *path,
           int         ms)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, "unix") != SQLITE_OK ||
      sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "INSERT INTO settings (key, value) VALUES ('locker', 'was here') "
                        "ON CONFLICT (key) DO UPDATE SET value = value || '+';"
                        /* Numbered among the commits, so a test can tell which came first. */
                        "INSERT INTO change_log (at, entity, entity_id, action) VALUES (0, 'locker', 0, 'update')",
                        NULL, NULL, NULL) != SQLITE_OK)
    {
      fprintf (stderr, "lock: %s\n", sqlite3_errmsg (db));
      return 1;
    }
  printf ("locked\n");
  fflush (stdout);
  g_usleep ((gulong) ms * 1000);
  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      fprintf (stderr, "commit: %s\n", sqlite3_errmsg (db));
      return 1;
    }
  sqlite3_close (db);
  return 0;
}

static int
hold_session (const char *path,
              int         ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = scim_store_open (path, SCIM_STORE_NONE, &error);

  if (store == NULL)
    {
      fprintf (stderr, "open: %s\n", error->message);
      return 1;
    }
  printf ("open\n");
  fflush (stdout);
  g_usleep ((gulong) ms * 1000);
  scim_store_close (store);
  return 0;
}

static int
add_user (const char *path,
          const char *admin,
          const char *login)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = scim_store_open (path, SCIM_STORE_NONE, &error);
  g_autoptr(ScimUser) user = NULL;

  if (store == NULL ||
      (user = scim_store_sign_in (store, admin, NULL, &error)) == NULL ||
      scim_store_add_user (store, login, NULL, NULL, SCIM_ROLE_SALES, FALSE, NULL, &error) == 0)
    {
      fprintf (stderr, "add-user: %s\n", error->message);
      return 1;
    }
  return 0;
}

int
main (int    argc,
      char **argv)
{
  if (argc == 4 && g_str_equal (argv[1], "lock"))
    return hold_lock (argv[2], atoi (argv[3]));
  if (argc == 4 && g_str_equal (argv[1], "session"))
    return hold_session (argv[2], atoi (argv[3]));
  if (argc == 5 && g_str_equal (argv[1], "add-user"))
    return add_user (argv[2], argv[3], argv[4]);
  fprintf (stderr, "usage: scim-test-helper lock DB MS | session DB MS | add-user DB ADMIN LOGIN\n");
  return 2;
}
