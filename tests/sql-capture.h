/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

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
