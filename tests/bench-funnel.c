/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cairo.h>
#include <locale.h>

#include "scim-core.h"

/* The Funnel module's benchmark (not a test): opens a large demo database
 * and times what the Funnel page computes, best of several runs, in
 * milliseconds:
 *
 *   build/src/cli/scim-sales-cli --db /tmp/large.db demo --scale large
 *   ninja -C build tests/bench-funnel
 *   build/tests/bench-funnel /tmp/large.db [RUNS]
 *
 * "One product" is the product with the most sales; "as of" is 180 days
 * ago.  The file is opened without the quick check (that is the store's
 * open, timed by tests/bench.sh) and not written. */

typedef gboolean (*BenchFunc) (ScimStore  *store,
                               gpointer    data,
                               guint      *n_rows,
                               GError    **error);

typedef struct
{
  ScimFunnelFilter filter;
  ScimPivotKind    pivot;
  GPtrArray       *funnels;   /* the last result, for the painter */
} Bench;

static gboolean
bench_funnel (ScimStore  *store,
              gpointer    data,
              guint      *n_rows,
              GError    **error)
{
  Bench *b = data;
  g_autoptr(ScimFunnel) funnel = scim_store_funnel (store, &b->filter, error);

  if (funnel == NULL)
    return FALSE;
  *n_rows = funnel->stages->len;
  return TRUE;
}

static gboolean
bench_funnels (ScimStore  *store,
               gpointer    data,
               guint      *n_rows,
               GError    **error)
{
  Bench *b = data;

  g_clear_pointer (&b->funnels, g_ptr_array_unref);
  b->funnels = scim_store_funnels (store, &b->filter, error);
  if (b->funnels == NULL)
    return FALSE;
  *n_rows = b->funnels->len;
  return TRUE;
}

static gboolean
bench_pivot (ScimStore  *store,
             gpointer    data,
             guint      *n_rows,
             GError    **error)
{
  Bench *b = data;
  g_autoptr(ScimPivot) pivot = scim_store_pivot (store, b->pivot, &b->filter, 50, error);

  if (pivot == NULL)
    return FALSE;
  *n_rows = pivot->row_names->len;
  return TRUE;
}

static gboolean
bench_performance (ScimStore  *store,
                   gpointer    data,
                   guint      *n_rows,
                   GError    **error)
{
  Bench *b = data;
  g_autoptr(GPtrArray) rows = scim_store_performance (store, &b->filter, error);

  if (rows == NULL)
    return FALSE;
  *n_rows = rows->len;
  return TRUE;
}

static gboolean
bench_cross_sell (ScimStore  *store,
                  gpointer    data,
                  guint      *n_rows,
                  GError    **error)
{
  g_autoptr(GPtrArray) rows = scim_store_cross_sell (store, 200, error);

  if (rows == NULL)
    return FALSE;
  *n_rows = rows->len;
  return TRUE;
}

/* The painter on an image surface the size of a page, HiDPI. */
static gboolean
bench_paint (ScimStore  *store,
             gpointer    data,
             guint      *n_rows,
             GError    **error)
{
  Bench *b = data;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 2400, 1600);
  cairo_t *cr = cairo_create (surface);
  ScimFunnelStyle style;
  g_autoptr(GArray) bands = NULL;

  scim_funnel_style_init_default (&style, FALSE);
  cairo_scale (cr, 2, 2);
  if (b->funnels->len == 1)
    bands = scim_funnel_paint (cr, 1200, 800, g_ptr_array_index (b->funnels, 0), SCIM_FUNNEL_REACHED, &style);
  else
    bands = scim_funnel_paint_grid (cr, 1200, 800, b->funnels, SCIM_FUNNEL_IN_WORK, &style);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  *n_rows = bands->len;
  return TRUE;
}

static void
run (ScimStore  *store,
     const char *name,
     BenchFunc   func,
     gpointer    data,
     guint       runs)
{
  g_autoptr(GError) error = NULL;
  double best = G_MAXDOUBLE, total = 0;
  guint n_rows = 0;

  for (guint i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();
      double ms;

      if (!func (store, data, &n_rows, &error))
        g_error ("%s: %s", name, error->message);
      ms = (double) (g_get_monotonic_time () - start) / 1000.0;
      best = MIN (best, ms);
      total += ms;
    }
  g_print ("   %-40s %8.1f ms best, %8.1f ms mean   %'8u rows\n", name, best, total / runs, n_rows);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(GPtrArray) all = NULL;
  ScimFunnelFilter none = { 0 };
  Bench b = { 0 };
  guint runs = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 5;
  gint64 product = 0, busiest = -1, owner = 0, start;
  gint64 half_year_ago = g_get_real_time () / G_USEC_PER_SEC - 180 * 86400;

  setlocale (LC_ALL, "");
  if (argc < 2)
    {
      g_printerr ("usage: bench-funnel DB [RUNS]\n");
      return 2;
    }
  runs = MAX (runs, 1u);

  start = g_get_monotonic_time ();
  store = scim_store_open (argv[1], SCIM_STORE_NO_CHECK, &error);
  if (store == NULL)
    g_error ("%s: %s", argv[1], error->message);
  g_print ("== funnel statistics on %s (open %.1f s, best of %u runs)\n", argv[1],
           (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC, runs);

  /* The product with the most sales, and the salesperson with the most. */
  all = scim_store_funnels (store, &none, &error);
  if (all == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < all->len; i++)
    {
      ScimFunnel *funnel = g_ptr_array_index (all, i);
      gint64 n = funnel->in_work + funnel->won + funnel->lost + funnel->paused;

      if (n > busiest)
        {
          busiest = n;
          product = funnel->product_id;
        }
    }
  {
    g_autoptr(GPtrArray) people = scim_store_performance (store, &none, &error);
    guint most = 0;

    if (people == NULL)
      g_error ("%s", error->message);
    for (guint i = 0; i < people->len; i++)
      {
        ScimPerformance *p = g_ptr_array_index (people, i);
        if (p->in_work + p->won + p->lost > most)
          {
            most = p->in_work + p->won + p->lost;
            owner = p->user_id;
          }
      }
  }

  b.filter.product_id = product;
  run (store, "funnel: one product", bench_funnel, &b, runs);
  b.filter.owner_id = owner;
  run (store, "funnel: one product, one salesperson", bench_funnel, &b, runs);
  b.filter.owner_id = 0;
  run (store, "funnel: all products", bench_funnels, &b, runs);
  b.filter.as_of = half_year_ago;
  run (store, "funnel as of 180 days ago: one product", bench_funnel, &b, runs);
  run (store, "funnel as of 180 days ago: all products", bench_funnels, &b, runs);
  b.filter.as_of = 0;

  b.filter.product_id = 0;
  b.pivot = SCIM_PIVOT_STAGE_PRODUCT;
  run (store, "pivot: stage × product", bench_pivot, &b, runs);
  b.pivot = SCIM_PIVOT_OWNER_PRODUCT;
  run (store, "pivot: salesperson × product", bench_pivot, &b, runs);
  b.pivot = SCIM_PIVOT_CLIENT_PRODUCT;
  run (store, "pivot: client × product (50 biggest)", bench_pivot, &b, runs);
  b.filter.as_of = half_year_ago;
  b.pivot = SCIM_PIVOT_STAGE_PRODUCT;
  run (store, "pivot as of 180 days ago: stage × product", bench_pivot, &b, runs);
  b.filter.as_of = 0;

  run (store, "salesperson performance", bench_performance, &b, runs);
  run (store, "cross-sell (200 rows)", bench_cross_sell, NULL, runs);

  run (store, "painter: all products, 2400×1600", bench_paint, &b, runs);

  g_clear_pointer (&b.funnels, g_ptr_array_unref);
  scim_store_close (store);
  return 0;
}
