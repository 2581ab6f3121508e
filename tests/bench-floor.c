/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "sql-capture.h"

/* The floor of a whole command (not a test):
 *
 *   SCIM_TRACE_SQL=READS scim-sales-cli --db DB COMMAND…
 *   bench-floor DB READS
 *
 * runs the reads the command ran (SCIM_TRACE_SQL: each statement with its
 * values written in, ended by a NUL byte) on DB bare, in a process of its
 * own as the command was: tests/bench.sh times this process as it times
 * the command, and the two make the ratio of its table. */

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sql = g_ptr_array_new ();
  g_autofree char *text = NULL;
  gsize length = 0;
  sqlite3 *db;

  if (argc != 3)
    {
      g_printerr ("usage: bench-floor DB READS\n");
      return 2;
    }
  if (!g_file_get_contents (argv[2], &text, &length, &error))
    g_error ("%s", error->message);
  for (gsize at = 0; at < length; at += strlen (text + at) + 1)
    if (text[at] != '\0')
      g_ptr_array_add (sql, text + at);
  if (sql->len == 0)
    g_error ("%s holds no statement", argv[2]);

  db = sql_bare_open (argv[1]);
  sql_bare_run (db, sql);
  sqlite3_close (db);
  return 0;
}
