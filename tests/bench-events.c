/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "scim-core.h"

/* The Sales book's benchmark (not a test): opens a large demo database and
 * times what the book page runs, best of several runs, in milliseconds:
 *
 *   build/src/cli/scim-sales-cli --db /tmp/large.db demo --scale large
 *   ninja -C build tests/bench-events
 *   build/tests/bench-events /tmp/large.db [RUNS]
 *
 * It reads as the first salesperson: their unread count, the ids of the
 * book under each filter, and the first page of rows.  The file is not
 * written. */

typedef struct
{
  const char *name;
  gint64      owner_id;
  gint64      client_id;
  gint64      product_id;
  gint64      sale_id;
  const char *kind;
  gint64      since;
  gint64      until;
  gboolean    only_unread;
} Case;

static double
best_ms (ScimStore  *store,
         const Case *c,
         guint       runs,
         guint      *n_ids,
         GArray    **last)
{
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < runs; i++)
    {
      g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_EVENTS);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) ids = NULL;
      gint64 start;

      query->owner_id = c->owner_id;
      query->client_id = c->client_id;
      query->product_id = c->product_id;
      query->sale_id = c->sale_id;
      query->event_kind = g_strdup (c->kind);
      query->since = c->since;
      query->until = c->until;
      query->only_unread = c->only_unread;
      start = g_get_monotonic_time ();
      ids = scim_store_query_ids (store, query, NULL, &error);
      if (ids == NULL)
        g_error ("%s: %s", c->name, error->message);
      best = MIN (best, (g_get_monotonic_time () - start) / 1000.0);
      *n_ids = ids->len;
      if (last != NULL)
        {
          g_clear_pointer (last, g_array_unref);
          *last = g_steal_pointer (&ids);
        }
    }
  return best;
}

static gint64
first_id (ScimStore  *store,
          const char *sql_kind)
{
  g_autoptr(ScimQuery) query = scim_query_new (g_str_equal (sql_kind, "sales") ? SCIM_LIST_SALES : SCIM_LIST_USERS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;

  if (g_str_equal (sql_kind, "salesperson"))
    query->state = g_strdup ("sales");
  ids = scim_store_query_ids (store, query, NULL, &error);
  if (ids == NULL || ids->len == 0)
    g_error ("no %s in the file", sql_kind);
  return g_array_index (ids, gint64, ids->len / 2);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GArray) book = NULL;
  g_autoptr(GPtrArray) sale_rows = NULL;
  gint64 user_id, sale_id, client_id = 0, product_id = 0, now = g_get_real_time () / G_USEC_PER_SEC;
  guint runs = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 5;
  guint n_ids = 0;
  double best = G_MAXDOUBLE;

  if (argc < 2)
    {
      g_printerr ("usage: bench-events DB [RUNS]\n");
      return 2;
    }
  store = scim_store_open (argv[1], SCIM_STORE_NO_CHECK, &error);
  if (store == NULL)
    g_error ("%s", error->message);

  user_id = first_id (store, "salesperson");
  sale_id = first_id (store, "sales");
  sale_rows = scim_store_load_rows (store, SCIM_LIST_SALES, &sale_id, 1, &error);
  if (sale_rows == NULL || sale_rows->len != 1)
    g_error ("cannot read sale %" G_GINT64_FORMAT, sale_id);
  g_variant_lookup (g_ptr_array_index (sale_rows, 0), "client_id", "x", &client_id);
  g_variant_lookup (g_ptr_array_index (sale_rows, 0), "product_id", "x", &product_id);
  scim_store_set_user_id (store, user_id);

  g_print ("== sales book, as user %" G_GINT64_FORMAT " (best of %u, ms)\n", user_id, runs);
  for (guint i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();
      gint64 n = scim_store_count_unread_events (store, &error);

      if (n < 0)
        g_error ("count: %s", error->message);
      best = MIN (best, (g_get_monotonic_time () - start) / 1000.0);
      n_ids = (guint) n;
    }
  g_print ("   %-34s %8.1f  (%u)\n", "count unread", best, n_ids);

  {
    const Case cases[] = {
      { "ids: whole book", },
      { "ids: only unread", .only_unread = TRUE },
      { "ids: only mine", .owner_id = user_id },
      { "ids: kind meeting", .kind = "meeting" },
      { "ids: only unread, kind call", .kind = "call", .only_unread = TRUE },
      { "ids: client", .client_id = client_id },
      { "ids: product", .product_id = product_id },
      { "ids: sale", .sale_id = sale_id },
      { "ids: last 30 days", .since = now - 30 * 86400, .until = now },
      { "ids: coming up", .since = now + 1 },
      { "ids: mine, calls, last 90 days", .owner_id = user_id, .kind = "call", .since = now - 90 * 86400 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        double ms = best_ms (store, &cases[i], runs, &n_ids, i == 0 ? &book : NULL);

        g_print ("   %-34s %8.1f  (%u)\n", cases[i].name, ms, n_ids);
      }
  }

  best = G_MAXDOUBLE;
  for (guint i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GPtrArray) rows = scim_store_load_rows (store, SCIM_LIST_EVENTS, (const gint64 *) (gpointer) book->data,
                                                        MIN (100, book->len), &error);

      if (rows == NULL)
        g_error ("rows: %s", error->message);
      best = MIN (best, (g_get_monotonic_time () - start) / 1000.0);
    }
  g_print ("   %-34s %8.1f\n", "rows: first page of 100", best);
  scim_store_close (store);
  return 0;
}
