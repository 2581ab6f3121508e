/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>

#include "scim-store.h"

G_BEGIN_DECLS

/* The Funnel module's numbers and picture.  Counts come from sales (in
 * work now) or from the stage history (reached; as of a past date); the
 * painter draws on any cairo_t, so the widget, PNG, SVG, PDF and printing
 * share one drawing. */

typedef struct
{
  gint64  product_id;     /* 0: all products (scim_store_funnels gives one per product) */
  gint64  owner_id;       /* 0: every salesperson */
  gint64  audience_id;    /* 0: every client audience */
  gint64  entered_since;  /* sales created from (UTC), 0: any */
  gint64  entered_until;  /* sales created until, 0: any */
  gint64  as_of;          /* rebuild the funnel as it stood then, 0: now */
} ScimFunnelFilter;

typedef struct
{
  gint64  stage_id;
  char   *name;
  char   *kind;             /* open, won, lost, paused */
  int     position;
  int     probability;      /* configured, 0..100 */
  int     stuck_days;       /* 0: never */
  guint   count;            /* sales standing at this stage */
  gint64  amount;           /* their amount, minor units */
  gint64  weighted_amount;  /* amount × probability */
  guint   reached;          /* sales whose furthest open/won stage is this one or later */
  double  share;            /* reached / reached of the first stage, 0..1 */
  double  conversion;       /* reached of the next open/won stage / reached here, 0..1; -1 for the last */
  double  avg_days;         /* average days spent at this stage (from intervals) */
  guint   stuck;            /* sales longer here than stuck_days */
  double  observed_win_rate;/* of sales that reached this stage and closed, the share that won */
  guint   closed;           /* of the sales that reached this stage, those now at a won or lost stage */
} ScimFunnelStage;

typedef struct
{
  gint64     product_id;
  char      *product;
  GPtrArray *stages;            /* ScimFunnelStage, in funnel order, all kinds */
  guint      in_work;           /* sales at open stages */
  gint64     in_work_amount;
  guint      won;
  guint      lost;
  guint      paused;
  int        worst_step;        /* index in @stages of the open/won stage whose conversion to the next is lowest; -1 */
  double     forecast_wins;     /* expected wins of the sales in work, from observed rates */
  gint64     forecast_amount;
  double     forecast_wins_configured;   /* the same from configured probabilities */
  gint64     forecast_amount_configured;
  gint64     won_amount;
  gint64     lost_amount;
  gint64     paused_amount;
  gint64     as_of;             /* the moment the numbers stand at: the filter's as_of, or when they were read */
} ScimFunnel;

void        scim_funnel_free     (ScimFunnel             *funnel);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScimFunnel, scim_funnel_free)

ScimFunnel *scim_store_funnel    (ScimStore              *store,
                                  const ScimFunnelFilter *filter,
                                  GError                **error);
/* One funnel per active product (the filter's product_id is ignored). */
GPtrArray  *scim_store_funnels   (ScimStore              *store,
                                  const ScimFunnelFilter *filter,
                                  GError                **error);

/* Breakdowns the customer asks for by name: a pivot with totals. */
typedef enum
{
  SCIM_PIVOT_STAGE_PRODUCT,
  SCIM_PIVOT_OWNER_PRODUCT,
  SCIM_PIVOT_CLIENT_PRODUCT,
} ScimPivotKind;

typedef struct
{
  GPtrArray *row_names;      /* char*, rows (stages, salespeople, clients) */
  GArray    *row_ids;        /* gint64 */
  GPtrArray *column_names;   /* char*, products */
  GArray    *column_ids;     /* gint64 */
  GArray    *counts;         /* guint, rows × columns, row-major */
  GArray    *amounts;        /* gint64, rows × columns */
  /* Totals of every sale the filter matches, also with max_rows: the rows
   * then need not add up to them. */
  GArray    *row_counts;     /* guint, per row */
  GArray    *row_amounts;    /* gint64, per row */
  GArray    *column_counts;  /* guint, per column */
  GArray    *column_amounts; /* gint64, per column */
  guint      total_count;
  gint64     total_amount;
  /* SCIM_PIVOT_STAGE_PRODUCT: rows are stage names shared by funnels; the
   * stage of each cell (0: that product has no such stage), for listing
   * its sales.  NULL for the other kinds. */
  GArray    *cell_stage_ids; /* gint64, rows × columns */
} ScimPivot;

void        scim_pivot_free      (ScimPivot              *pivot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScimPivot, scim_pivot_free)
ScimPivot  *scim_store_pivot     (ScimStore              *store,
                                  ScimPivotKind           kind,
                                  const ScimFunnelFilter *filter,
                                  guint                   max_rows,   /* clients: the biggest first; 0: all */
                                  GError                **error);

typedef struct
{
  gint64  user_id;
  char   *name;
  guint   in_work;
  guint   won;
  guint   lost;
  double  conversion;        /* won / (won + lost) */
  guint   overdue_tasks;
  double  avg_cycle_days;    /* created → won, for won sales */
} ScimPerformance;

void        scim_performance_free (ScimPerformance       *row);
GPtrArray  *scim_store_performance (ScimStore            *store,
                                    const ScimFunnelFilter *filter,
                                    GError              **error);

/* Clients in work for one product whose audience fits another product
 * they do not have yet. */
typedef struct
{
  gint64  client_id;
  char   *client;
  char   *has_product;
  gint64  product_id;
  char   *fits_product;
  char   *audience;
} ScimCrossSell;

void        scim_cross_sell_free (ScimCrossSell          *row);
GPtrArray  *scim_store_cross_sell (ScimStore             *store,
                                   guint                  max_rows,
                                   GError               **error);

/* Drawing */

typedef enum
{
  SCIM_FUNNEL_IN_WORK,       /* how many sales stand at each stage now */
  SCIM_FUNNEL_REACHED,       /* how many ever got to each stage or past it */
} ScimFunnelMode;

typedef struct
{
  double foreground[4];      /* RGBA 0..1: text and outlines */
  double background[4];      /* the page behind; alpha 0 for none */
  double accent[4];          /* the bands */
  double warning[4];         /* the worst drop-off */
  double muted[4];           /* paused and lost, beside the funnel */
  const char *font;          /* Pango font description, e.g. "Cantarell 11" */
} ScimFunnelStyle;

void        scim_funnel_style_init_default (ScimFunnelStyle *style,
                                            gboolean         dark);

/* Where each band of the last paint went, for hover and clicks: the
 * funnel's bands top to bottom, then the paused and lost boxes beside it. */
typedef struct
{
  int    stage_index;        /* index in ScimFunnel.stages */
  double x, y, width, height;
  /* The part filled, centred in the band: all of it when reached; the
   * sales standing there now, of those that reached it, in work. */
  double fill_width;
  /* Where its text went: inside the band, or beside it when the band is
   * too narrow. */
  double label_x, label_y, label_width, label_height;
  gboolean label_cut;        /* shortened with an ellipsis: nothing else fitted */
  gboolean compared;         /* scim_funnel_paint_compare(): the band of the present ... */
  int    delta;              /* ... and its number less the same stage's then */
  int    funnel_index;       /* which funnel of scim_funnel_paint_grid() */
} ScimFunnelBand;

GArray     *scim_funnel_paint    (cairo_t               *cr,
                                  double                 width,
                                  double                 height,
                                  const ScimFunnel      *funnel,
                                  ScimFunnelMode         mode,
                                  const ScimFunnelStyle *style);   /* returns ScimFunnelBand array */
/* Several funnels side by side ("all products"). */
void        scim_funnel_paint_many (cairo_t             *cr,
                                  double                 width,
                                  double                 height,
                                  GPtrArray             *funnels,
                                  ScimFunnelMode         mode,
                                  const ScimFunnelStyle *style);
/* The same, returning the bands of every funnel (funnel_index set). */
GArray     *scim_funnel_paint_grid (cairo_t             *cr,
                                  double                 width,
                                  double                 height,
                                  GPtrArray             *funnels,
                                  ScimFunnelMode         mode,
                                  const ScimFunnelStyle *style);
/* A funnel beside the same product's at another moment, the differences
 * marked ▲/▼ per stage on the present. */
GArray     *scim_funnel_paint_compare (cairo_t           *cr,
                                  double                 width,
                                  double                 height,
                                  const ScimFunnel      *now,
                                  const ScimFunnel      *then,
                                  const char            *now_title,
                                  const char            *then_title,
                                  ScimFunnelMode         mode,
                                  const ScimFunnelStyle *style);
/* Paints a picture (the painter's or the chart's) and returns its bands. */
typedef GArray *(*ScimFunnelLayoutFunc) (cairo_t  *cr,
                                         double    width,
                                         double    height,
                                         gpointer  data);
double      scim_funnel_min_height (ScimFunnelLayoutFunc layout,
                                  gpointer               data,
                                  double                 width,
                                  double                 height);
char       *scim_funnel_format_delta (int                  delta);
/* The band under a point, or -1. */
int         scim_funnel_band_at  (GArray                *bands,
                                  double                 x,
                                  double                 y);
/* One sentence about a stage, for tooltips and accessible descriptions. */
char       *scim_funnel_describe_stage (const ScimFunnel *funnel,
                                  guint                  stage_index,
                                  ScimFunnelMode         mode);

typedef enum
{
  SCIM_FUNNEL_FORMAT_PNG,
  SCIM_FUNNEL_FORMAT_SVG,
  SCIM_FUNNEL_FORMAT_PDF,
} ScimFunnelFormat;

gboolean    scim_funnel_export   (GPtrArray             *funnels,   /* one or more */
                                  ScimFunnelMode         mode,
                                  ScimFunnelFormat       format,
                                  const char            *path,
                                  int                    width,
                                  int                    height,
                                  GError               **error);
/* Draws a picture of @width × @height on @cr. */
typedef void (*ScimFunnelPaintFunc) (cairo_t  *cr,
                                     double    width,
                                     double    height,
                                     gpointer  data);
gboolean    scim_funnel_write_picture (ScimFunnelPaintFunc paint,
                                  gpointer               data,
                                  ScimFunnelFormat       format,
                                  GOutputStream         *stream,
                                  int                    width,
                                  int                    height,
                                  GError               **error);
gboolean    scim_funnel_write_picture_file (ScimFunnelPaintFunc paint,
                                  gpointer               data,
                                  ScimFunnelFormat       format,
                                  const char            *path,
                                  int                    width,
                                  int                    height,
                                  GError               **error);
/* The same onto a stream (standard output of the CLI, a print job). */
gboolean    scim_funnel_export_to_stream (GPtrArray     *funnels,
                                  ScimFunnelMode         mode,
                                  ScimFunnelFormat       format,
                                  GOutputStream         *stream,
                                  int                    width,
                                  int                    height,
                                  GError               **error);

G_END_DECLS
