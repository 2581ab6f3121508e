/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "scim-format.h"

/* The reads a store runs, captured from its connection with
 * sqlite3_trace_v2() while capturing is set: each SELECT or WITH as SQLite
 * ran it, bound values expanded (statements of triggers come as comments
 * and are left out).  The plan test reads their plans, the benchmark runs
 * them bare for its floor. */
typedef struct
{
  GPtrArray *sql;        /* char * */
  gboolean   capturing;
  gboolean   distinct;   /* each statement once */
} SqlCapture;

static inline int
sql_capture_trace_cb (unsigned int  type,
                      void         *user_data,
                      void         *p,
                      void         *x)
{
  SqlCapture *capture = user_data;
  const char *sql = x;
  char *expanded;

  if (type != SQLITE_TRACE_STMT || !capture->capturing || sql == NULL)
    return 0;
  while (g_ascii_isspace (*sql))
    sql++;
  if (g_ascii_strncasecmp (sql, "SELECT", 6) != 0 && g_ascii_strncasecmp (sql, "WITH", 4) != 0)
    return 0;
  expanded = sqlite3_expanded_sql (p);
  if (expanded != NULL &&
      !(capture->distinct && g_ptr_array_find_with_equal_func (capture->sql, expanded, g_str_equal, NULL)))
    g_ptr_array_add (capture->sql, g_strdup (expanded));
  sqlite3_free (expanded);
  return 0;
}

static inline void
sql_capture_start (SqlCapture *capture,
                   sqlite3    *db,
                   gboolean    distinct)
{
  capture->sql = g_ptr_array_new_with_free_func (g_free);
  capture->capturing = FALSE;
  capture->distinct = distinct;
  sqlite3_trace_v2 (db, SQLITE_TRACE_STMT, sql_capture_trace_cb, capture);
}

static inline void
sql_capture_stop (SqlCapture *capture,
                  sqlite3    *db)
{
  sqlite3_trace_v2 (db, 0, NULL, NULL);
  g_clear_pointer (&capture->sql, g_ptr_array_unref);
}

/* The same reads run bare: a connection of its own with no app code but
 * the store's scim_fold(), each statement prepared, stepped through every
 * row reading every column (a bare client reads what it asked for), and
 * finalized.  The benchmark's floor. */
static inline void
sql_bare_fold_cb (sqlite3_context *ctx,
                  int              argc,
                  sqlite3_value  **argv)
{
  const char *text = (const char *) sqlite3_value_text (argv[0]);
  g_autofree char *folded = text != NULL ? scim_fold (text) : NULL;

  if (folded == NULL)
    sqlite3_result_null (ctx);
  else
    sqlite3_result_text (ctx, folded, -1, SQLITE_TRANSIENT);
}

static inline sqlite3 *
sql_bare_open (const char *path)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    g_error ("%s: %s", path, sqlite3_errmsg (db));
  sqlite3_create_function (db, "scim_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_bare_fold_cb, NULL,
                           NULL);
  return db;
}

/* Returns: the milliseconds it took */
static inline double
sql_bare_run (sqlite3   *db,
              GPtrArray *sql)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < sql->len; i++)
    {
      sqlite3_stmt *stmt = NULL;
      int rc = sqlite3_prepare_v2 (db, g_ptr_array_index (sql, i), -1, &stmt, NULL);

      if (rc != SQLITE_OK)
        g_error ("floor: %s\n%s", sqlite3_errmsg (db), (char *) g_ptr_array_index (sql, i));
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (stmt); c++)
          switch (sqlite3_column_type (stmt, c))
            {
            case SQLITE_INTEGER: (void) sqlite3_column_int64 (stmt, c); break;
            case SQLITE_FLOAT: (void) sqlite3_column_double (stmt, c); break;
            case SQLITE_TEXT: (void) sqlite3_column_text (stmt, c); (void) sqlite3_column_bytes (stmt, c); break;
            default: break;
            }
      if (rc != SQLITE_DONE)
        g_error ("floor: %s", sqlite3_errmsg (db));
      sqlite3_finalize (stmt);
    }
  return (double) (g_get_monotonic_time () - start) / 1000.0;
}
