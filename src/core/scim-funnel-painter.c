/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-funnel-painter"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include "scim-format.h"
#include "scim-funnel.h"

/* The funnel picture, on any cairo_t: the chart widget's snapshot, PNG, SVG
 * and PDF export, printing.  No SQL and no GTK here; colours and the font
 * come from the caller's style, the scale (HiDPI) from the caller's cairo
 * matrix.
 *
 * One band per open and won stage, top to bottom, centred, as wide as the
 * sales that reached it relative to the top, so that it reads as a funnel
 * in either mode; "in work" fills each band, from the middle, with the
 * part of those that stand there now.  A minimum width keeps every band
 * visible and clickable.  Each band carries its stage's
 * name, number, amount, share of the top and conversion from the stage
 * above, inside the band when it fits and beside it when the band is too
 * narrow.  The gaps between bands are drawn as the funnel's walls; the step
 * with the worst drop-off has its wall and a marker in the warning colour.
 * Paused and lost sales stand in a box beside the funnel (right, or below
 * when the drawing is narrow). */

#define MARGIN          12.0
#define PAD             8.0
#define BAND_GAP        6.0
#define MIN_BAND_WIDTH  36.0
#define MAX_BAND_HEIGHT 140.0   /* a funnel of few stages still fills its pane */
#define SIDE_GAP        16.0
#define SIDE_RIGHT_MIN  520.0   /* narrower drawings put paused/lost below */
#define MARKER_SIZE     9.0
#define CELL_MIN_WIDTH  220.0
#define DEFAULT_FONT    "Sans 10"
#define MIN_FONT_POINTS 5.0
#define MIN_FILL_WIDTH  4.0     /* a stage with sales in work never looks empty */
#define OUTLINE_ALPHA   0.16    /* "in work": the reached outline */
#define IN_WORK_ALPHA   0.45    /* "in work": the part standing there now */

typedef struct
{
  double x, y, width, height;
} Rect;

/* Style */

static void
set_rgba (double       rgba[4],
          double       r,
          double       g,
          double       b,
          double       a)
{
  rgba[0] = r;
  rgba[1] = g;
  rgba[2] = b;
  rgba[3] = a;
}

/**
 * scim_funnel_style_init_default:
 * @style: (out caller-allocates): the style to fill
 * @dark: the dark variant
 *
 * GNOME's colours for light and dark backgrounds and the default font.
 * The chart widget replaces them with its theme's own.
 */
void
scim_funnel_style_init_default (ScimFunnelStyle *style,
                                gboolean         dark)
{
  g_return_if_fail (style != NULL);

  if (dark)
    {
      set_rgba (style->foreground, 0.96, 0.96, 0.96, 1);
      set_rgba (style->background, 0.14, 0.14, 0.16, 1);
      set_rgba (style->accent, 0.47, 0.68, 0.93, 1);        /* #78aeed */
      set_rgba (style->warning, 1.00, 0.64, 0.28, 1);       /* #ffa348 */
      set_rgba (style->muted, 0.96, 0.96, 0.96, 0.30);
    }
  else
    {
      set_rgba (style->foreground, 0.13, 0.13, 0.15, 1);
      set_rgba (style->background, 1, 1, 1, 1);
      set_rgba (style->accent, 0.21, 0.52, 0.89, 1);        /* #3584e4 */
      set_rgba (style->warning, 0.90, 0.38, 0.00, 1);       /* #e66100 */
      set_rgba (style->muted, 0.13, 0.13, 0.15, 0.22);
    }
  style->font = DEFAULT_FONT;
}

static void
source (cairo_t      *cr,
        const double  rgba[4])
{
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3]);
}

static void
source_alpha (cairo_t      *cr,
              const double  rgba[4],
              double        alpha)
{
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3] * alpha);
}

static void
mix (double        out[4],
     const double  a[4],
     const double  b[4],
     double        t)
{
  for (int i = 0; i < 3; i++)
    out[i] = a[i] * (1 - t) + b[i] * t;
  out[3] = a[3];
}

/* Text that reads on a fill: near-white on dark fills, near-black on light. */
static void
text_on (double        out[4],
         const double  fill[4],
         const double  page[4],
         const double  foreground[4])
{
  double rgb[3];
  double alpha = fill[3];
  double luminance;

  /* A translucent fill shows the page through. */
  for (int i = 0; i < 3; i++)
    rgb[i] = page[3] > 0 ? fill[i] * alpha + page[i] * (1 - alpha) : fill[i];
  if (page[3] <= 0 && alpha < 0.6)
    {
      memcpy (out, foreground, sizeof (double) * 4);
      return;
    }
  luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  if (luminance < 0.55)
    set_rgba (out, 1, 1, 1, 1);
  else
    set_rgba (out, 0.08, 0.08, 0.1, 1);
}

/* Text */

typedef struct
{
  cairo_t              *cr;
  PangoFontDescription *font;
  double                points;
} Text;

static void
text_init (Text                  *text,
           cairo_t               *cr,
           const ScimFunnelStyle *style)
{
  text->cr = cr;
  text->font = pango_font_description_from_string (style->font != NULL && style->font[0] != '\0'
                                                   ? style->font : DEFAULT_FONT);
  if (pango_font_description_get_size (text->font) <= 0)
    pango_font_description_set_size (text->font, 10 * PANGO_SCALE);
  text->points = (double) pango_font_description_get_size (text->font) / PANGO_SCALE;
  if (pango_font_description_get_size_is_absolute (text->font))
    text->points = text->points * 72.0 / 96.0;
}

static void
text_clear (Text *text)
{
  g_clear_pointer (&text->font, pango_font_description_free);
}

/* A layout of @markup at @scale times the style's size, no wider than
 * @max_width (< 0: any width): wrapped between words with @wrap, else
 * ellipsized. */
static PangoLayout *
text_layout_full (Text       *text,
                  const char *markup,
                  double      scale,
                  double      max_width,
                  gboolean    wrap,
                  double     *width,
                  double     *height)
{
  PangoLayout *layout = pango_cairo_create_layout (text->cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_copy (text->font);
  PangoRectangle logical;

  pango_font_description_set_size (font, (int) (MAX (text->points * scale, MIN_FONT_POINTS) * PANGO_SCALE));
  pango_layout_set_font_description (layout, font);
  pango_layout_set_markup (layout, markup, -1);
  if (max_width >= 0)
    {
      pango_layout_set_width (layout, (int) (MAX (max_width, 1) * PANGO_SCALE));
      if (wrap)
        pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      else
        pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  *width = MIN (logical.width, max_width >= 0 ? MAX (max_width, 1) : G_MAXDOUBLE);
  *height = logical.height;
  return layout;
}

static PangoLayout *
text_layout (Text       *text,
             const char *markup,
             double      scale,
             double      max_width,
             double     *width,
             double     *height)
{
  return text_layout_full (text, markup, scale, max_width, FALSE, width, height);
}

static void
text_draw (cairo_t      *cr,
           PangoLayout  *layout,
           double        x,
           double        y,
           const double  rgba[4])
{
  cairo_save (cr);
  source (cr, rgba);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
}

static char *
percent (double fraction)
{
  /* Translators: a percentage; %.0f is the number, %% the sign. */
  return g_strdup_printf (_("%.0f%%"), fraction * 100);
}

/* Shapes */

static void
rounded_rect (cairo_t *cr,
              double   x,
              double   y,
              double   width,
              double   height,
              double   radius)
{
  radius = MIN (radius, MIN (width, height) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + width - radius, y + height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static Rect
clamp_rect (Rect   r,
            double width,
            double height)
{
  r.width = MIN (r.width, width);
  r.height = MIN (r.height, height);
  r.x = CLAMP (r.x, 0, width - r.width);
  r.y = CLAMP (r.y, 0, height - r.height);
  return r;
}

/* Labels */

static gboolean
stage_is_step (const ScimFunnelStage *stage)
{
  return g_str_equal (stage->kind, "open") || g_str_equal (stage->kind, "won");
}

/* The numbers of a band in three parts: its sales with their noun; their
 * amount with the currency; the conversion from the stage above (%NULL for
 * the top band), marked when it is the worst drop-off.  Pango markup.  The
 * share of the top is in the tooltip. */
static void
band_numbers (const ScimFunnelStage  *stage,
              const ScimFunnelStage  *above,
              ScimFunnelMode          mode,
              gboolean                worst,
              char                  **value_text,
              char                  **money_text,
              char                  **conversion_text)
{
  char *value;

  if (mode == SCIM_FUNNEL_REACHED)
    /* Translators: in the funnel picture: how many sales reached a stage. */
    value = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u sale reached", "%u sales reached", stage->reached),
                             stage->reached);
  else
    /* Translators: in the funnel picture: how many sales stand at a stage. */
    value = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u sale in work", "%u sales in work", stage->count),
                             stage->count);
  *value_text = value;
  *money_text = scim_format_amount (stage->amount);
  *conversion_text = NULL;

  if (above != NULL && above->conversion >= 0)
    {
      g_autofree char *conversion = percent (above->conversion);
      /* Translators: in the funnel picture: the share of the sales at the
       * stage above that got to this one. */
      g_autofree char *from_above = g_strdup_printf (_("%s from above"), conversion);

      *conversion_text = worst ? g_strdup_printf ("<b>▼ %s</b>", from_above) : g_steal_pointer (&from_above);
    }
}

/* Draws the label of a band at its best place and returns where it went.
 * Inside the band when it fits, in two lines, else three or four; beside the
 * band on the side with room when the band is too narrow; one line when the
 * band is too low.  When nothing fits whole, the text wraps between words
 * where there is most room.  Never in smaller type than the style's: only
 * when even the wrapped text is too tall for the band is it shortened with
 * an ellipsis, and *@cut says so (the tooltip has every word; the chart
 * then grows taller and scrolls, scim_funnel_paint_min_height()). */
static Rect
draw_band_label (Text                  *text,
                 const ScimFunnelStyle *style,
                 const Rect            *band,
                 const Rect            *area,
                 const double           fill[4],
                 const char            *name,
                 const char            *value,
                 const char            *money,
                 const char            *conversion,
                 double                 draw_width,
                 double                 draw_height,
                 gboolean              *cut)
{
  enum { PLACE_INSIDE, PLACE_RIGHT, PLACE_LEFT, N_PLACES };
  enum { FORMS = 4, ONE_LINE = FORMS - 1 };
  g_autofree char *escaped = g_markup_escape_text (name, -1);
  g_autofree char *numbers = g_strdup_printf ("%s · %s", value, money);
  char *markups[FORMS];
  double rooms[N_PLACES];
  double max_height = band->height + BAND_GAP * 0.5;
  g_autoptr(PangoLayout) layout = NULL;
  double width = 0, height = 0, x, y;
  double ink[4];
  int place = -1, chosen = -1;
  Rect label;

  /* From the fewest lines to the narrowest, then one line for low bands. */
  if (conversion != NULL)
    {
      markups[0] = g_strdup_printf ("<b>%s</b>\n%s · %s", escaped, numbers, conversion);
      markups[1] = g_strdup_printf ("<b>%s</b>\n%s\n%s", escaped, numbers, conversion);
      markups[2] = g_strdup_printf ("<b>%s</b>\n%s\n%s\n%s", escaped, value, money, conversion);
      markups[ONE_LINE] = g_strdup_printf ("<b>%s</b> · %s · %s", escaped, numbers, conversion);
    }
  else
    {
      markups[0] = g_strdup_printf ("<b>%s</b>\n%s", escaped, numbers);
      markups[1] = g_strdup_printf ("<b>%s</b>\n%s\n%s", escaped, value, money);
      markups[2] = g_strdup (markups[1]);
      markups[ONE_LINE] = g_strdup_printf ("<b>%s</b> · %s", escaped, numbers);
    }
  rooms[PLACE_INSIDE] = band->width - 2 * PAD;
  rooms[PLACE_RIGHT] = area->x + area->width - (band->x + band->width) - PAD;
  rooms[PLACE_LEFT] = band->x - area->x - PAD;

  /* The first place, in this order, where some form fits whole. */
  for (int p = 0; p < N_PLACES && place < 0; p++)
    for (int m = 0; m < FORMS && place < 0; m++)
      {
        g_clear_object (&layout);
        layout = text_layout (text, markups[m], 1, -1, &width, &height);
        if (height <= max_height && width <= rooms[p])
          {
            place = p;
            chosen = m;
          }
      }

  *cut = FALSE;
  if (place < 0)
    {
      int widest = PLACE_INSIDE;

      for (int p = 1; p < N_PLACES; p++)
        if (rooms[p] > rooms[widest])
          widest = p;
      /* Wrapped where there is most room. */
      for (int m = 0; m < FORMS && place < 0; m++)
        {
          g_clear_object (&layout);
          layout = text_layout_full (text, markups[m], 1, MAX (rooms[widest], 1), TRUE, &width, &height);
          if (height <= max_height)
            place = widest;
        }
      if (place >= 0)
        goto placed;
    }
  if (place < 0)
    {
      /* The lowest form, on one line, shortened where there is most room. */
      place = PLACE_INSIDE;
      for (int p = 1; p < N_PLACES; p++)
        if (rooms[p] > rooms[place])
          place = p;
      g_clear_object (&layout);
      layout = text_layout (text, markups[ONE_LINE], 1, MAX (rooms[place], 1), &width, &height);
      *cut = pango_layout_is_ellipsized (layout) || height > max_height;
    }
  else
    {
      g_clear_object (&layout);
      layout = text_layout (text, markups[chosen], 1, -1, &width, &height);
    }

placed:
  switch (place)
    {
    case PLACE_INSIDE:
      x = band->x + (band->width - width) / 2;
      text_on (ink, fill, style->background, style->foreground);
      break;
    case PLACE_RIGHT:
      x = band->x + band->width + PAD;
      memcpy (ink, style->foreground, sizeof ink);
      break;
    case PLACE_LEFT:
    default:
      x = band->x - PAD - width;
      memcpy (ink, style->foreground, sizeof ink);
      break;
    }
  y = band->y + (band->height - height) / 2;

  label = clamp_rect ((Rect) { x, y, width, height }, draw_width, draw_height);
  text_draw (text->cr, layout, label.x, label.y, ink);
  for (int m = 0; m < FORMS; m++)
    g_free (markups[m]);
  return label;
}

/* Comparing */

/* The stage of @funnel with @stage_id, or %NULL. */
static const ScimFunnelStage *
find_stage (const ScimFunnel *funnel,
            gint64            stage_id)
{
  for (guint i = 0; funnel != NULL && i < funnel->stages->len; i++)
    {
      const ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, i);

      if (stage->stage_id == stage_id)
        return stage;
    }
  return NULL;
}

/* Appends to *@text how @stage's number (the mode's) differs from the same
 * stage in @compare: ▲ more, ▼ fewer, = the same; the band keeps it. */
static void
mark_delta (char                  **text,
            const ScimFunnelStage  *stage,
            const ScimFunnel       *compare,
            ScimFunnelMode          mode,
            ScimFunnelBand         *band)
{
  const ScimFunnelStage *then = find_stage (compare, stage->stage_id);
  guint was = then == NULL ? 0 : mode == SCIM_FUNNEL_REACHED ? then->reached : then->count;
  guint is = mode == SCIM_FUNNEL_REACHED ? stage->reached : stage->count;
  g_autofree char *delta = NULL;
  char *marked;

  band->compared = TRUE;
  band->delta = (int) is - (int) was;
  delta = scim_funnel_format_delta (band->delta);
  marked = g_strdup_printf ("%s · %s", *text, delta);
  g_free (*text);
  *text = marked;
}

/**
 * scim_funnel_format_delta:
 * @delta: a number now less the same then
 *
 * Returns: (transfer full): "▲3", "▼2" or "=", as the picture marks it
 */
char *
scim_funnel_format_delta (int delta)
{
  if (delta > 0)
    return g_strdup_printf ("▲%d", delta);
  if (delta < 0)
    return g_strdup_printf ("▼%d", -delta);
  return g_strdup ("=");
}

/* Paused and lost */

/* The paused and lost stages in @box: two lines a stage in a box right of
 * the funnel, one line in a box below it. */
static void
draw_sides (Text                  *text,
            const ScimFunnel      *funnel,
            const ScimFunnel      *compare,
            ScimFunnelMode         mode,
            const ScimFunnelStyle *style,
            const Rect            *box,
            gboolean               one_line,
            GArray                *sides,
            GArray                *bands,
            double                 draw_width,
            double                 draw_height)
{
  g_autoptr(PangoLayout) heading = NULL;
  double width, height, y;

  /* Translators: the box beside the funnel picture. */
  heading = text_layout (text, _("<b>Paused and lost</b>"), 1, box->width, &width, &height);
  text_draw (text->cr, heading, box->x, box->y, style->foreground);
  y = box->y + height + PAD / 2;

  for (guint j = 0; j < sides->len; j++)
    {
      int index = g_array_index (sides, int, j);
      const ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, index);
      g_autofree char *escaped = g_markup_escape_text (stage->name, -1);
      g_autofree char *money = scim_format_amount (stage->amount);
      /* Translators: beside the funnel: how many sales stand at a paused
       * or lost stage now. */
      g_autofree char *now = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u sale", "%u sales", stage->count),
                                              stage->count);
      g_autofree char *markup = NULL;
      g_autoptr(PangoLayout) layout = NULL;
      ScimFunnelBand band = { 0 };
      Rect label;

      /* What stands there now, in either mode. */
      if (compare != NULL)
        mark_delta (&now, stage, compare, SCIM_FUNNEL_IN_WORK, &band);
      if (mode == SCIM_FUNNEL_REACHED)
        /* Translators: beside the funnel: sales now at a paused or lost
         * stage ("4 sales"), their amount, and how many were ever there. */
        markup = g_strdup_printf (_("<b>%s</b>%s%s now · %s · %u ever"), escaped, one_line ? " · " : "\n",
                                  now, money, stage->reached);
      else
        markup = g_strdup_printf ("<b>%s</b>%s%s · %s", escaped, one_line ? " · " : "\n", now, money);
      layout = text_layout_full (text, markup, 1, MAX (box->width - 2 * PAD, 1), TRUE, &width, &height);
      if (y + height + PAD > box->y + box->height + 0.5 && j > 0)
        {
          /* No room for the rest: the last box drawn says the list is cut,
           * so that a chart grows taller (scim_funnel_min_height()). */
          g_array_index (bands, ScimFunnelBand, bands->len - 1).label_cut = TRUE;
          break;
        }
      band.label_cut = pango_layout_is_ellipsized (layout);

      band.stage_index = index;
      band.x = box->x;
      band.y = y;
      band.width = box->width;
      band.height = height + PAD;
      cairo_save (text->cr);
      source (text->cr, style->muted);
      rounded_rect (text->cr, band.x, band.y, band.width, band.height, 6);
      cairo_fill (text->cr);
      cairo_restore (text->cr);

      label = clamp_rect ((Rect) { band.x + PAD, band.y + PAD / 2, width, height }, draw_width, draw_height);
      text_draw (text->cr, layout, label.x, label.y, style->foreground);
      band.label_x = label.x;
      band.label_y = label.y;
      band.label_width = label.width;
      band.label_height = label.height;
      g_array_append_val (bands, band);
      y += band.height + PAD / 2;
    }
}

/* The height a box below the funnel needs for @n_sides stages. */
static double
sides_height (Text   *text,
              guint   n_sides,
              double  width)
{
  double w, line;
  g_autoptr(PangoLayout) layout = text_layout (text, "<b>Xy</b>", 1, width, &w, &line);

  return line + PAD / 2 + n_sides * (line + PAD + PAD / 2);
}

/* The worst drop-off: a triangle pointing down, left of the step. */
static void
draw_marker (cairo_t      *cr,
             double        x,
             double        y,
             const double  rgba[4])
{
  cairo_save (cr);
  source (cr, rgba);
  cairo_move_to (cr, x - MARKER_SIZE / 2, y - MARKER_SIZE / 2);
  cairo_line_to (cr, x + MARKER_SIZE / 2, y - MARKER_SIZE / 2);
  cairo_line_to (cr, x, y + MARKER_SIZE / 2);
  cairo_close_path (cr);
  cairo_fill (cr);
  cairo_restore (cr);
}

/* The painter */

static GArray *paint_one (cairo_t               *cr,
                          double                 width,
                          double                 height,
                          const ScimFunnel      *funnel,
                          const ScimFunnel      *compare,
                          ScimFunnelMode         mode,
                          const ScimFunnelStyle *style);

/**
 * scim_funnel_paint:
 * @cr: where to draw, with the caller's scale and clip
 * @width: the drawing's width in user units
 * @height: its height
 * @funnel: the funnel
 * @mode: in work now, or reached
 * @style: colours and font
 *
 * Draws one funnel into (0, 0, @width, @height).
 *
 * Returns: (transfer full) (element-type ScimFunnelBand): where each band
 *   went, top to bottom, followed by the paused and lost boxes beside the
 *   funnel, for hover, clicks and focus
 */
GArray *
scim_funnel_paint (cairo_t               *cr,
                   double                 width,
                   double                 height,
                   const ScimFunnel      *funnel,
                   ScimFunnelMode         mode,
                   const ScimFunnelStyle *style)
{
  return paint_one (cr, width, height, funnel, NULL, mode, style);
}

/* One funnel; with @compare, each band also says how its number differs
 * from the same stage there (▲ more, ▼ fewer, = the same). */
static GArray *
paint_one (cairo_t               *cr,
           double                 width,
           double                 height,
           const ScimFunnel      *funnel,
           const ScimFunnel      *compare,
           ScimFunnelMode         mode,
           const ScimFunnelStyle *style)
{
  GArray *bands = g_array_new (FALSE, TRUE, sizeof (ScimFunnelBand));
  g_autoptr(GArray) steps = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) sides = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree Rect *rects = NULL;
  g_autofree double *fills = NULL;
  Text text;
  Rect content, area, side_box = { 0 };
  double won_fill[4];
  double band_height, gap, top, min_width;
  guint max_value = 0;
  int worst = -1;     /* the step, in @steps, whose conversion to the next is lowest */

  g_return_val_if_fail (cr != NULL, bands);
  g_return_val_if_fail (funnel != NULL, bands);
  g_return_val_if_fail (style != NULL, bands);

  if (width <= 0 || height <= 0)
    return bands;

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  if (style->background[3] > 0)
    {
      source (cr, style->background);
      cairo_paint (cr);
    }
  text_init (&text, cr, style);
  mix (won_fill, style->accent, style->foreground, 0.35);

  for (guint i = 0; i < funnel->stages->len; i++)
    {
      const ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, i);
      int index = (int) i;

      if (stage_is_step (stage))
        {
          if (index == funnel->worst_step)
            worst = (int) steps->len;
          g_array_append_val (steps, index);
          max_value = MAX (max_value, stage->reached);
        }
      else
        g_array_append_val (sides, index);
    }

  content = (Rect) { MARGIN, MARGIN, MAX (width - 2 * MARGIN, 1), MAX (height - 2 * MARGIN, 1) };
  area = content;
  if (sides->len > 0)
    {
      if (width >= SIDE_RIGHT_MIN)
        {
          double side_width = CLAMP (content.width * 0.28, 150, 260);

          side_box = (Rect) { content.x + content.width - side_width, content.y, side_width, content.height };
          area.width = MAX (content.width - side_width - SIDE_GAP, 1);
        }
      else
        {
          double side_height = MIN (sides_height (&text, sides->len, content.width), content.height * 0.4);

          side_box = (Rect) { content.x, content.y + content.height - side_height, content.width, side_height };
          area.height = MAX (content.height - side_height - SIDE_GAP, 1);
        }
    }

  if (steps->len == 0)
    {
      double w, h;
      g_autoptr(PangoLayout) layout = text_layout (&text, _("This funnel has no open or won stages."), 1, area.width,
                                                   &w, &h);

      text_draw (cr, layout, area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, style->foreground);
    }
  else
    {
      guint n = steps->len;

      gap = MIN (BAND_GAP, area.height / (n * 4.0));
      band_height = MIN (MAX_BAND_HEIGHT, (area.height - gap * (n - 1)) / n);
      top = area.y;
      min_width = MIN (MIN_BAND_WIDTH, area.width);
      rects = g_new0 (Rect, n);

      /* The outline is what reached each stage, in either mode, so the
       * picture always narrows downward; "in work" fills each band with
       * the part that stands there now. */
      fills = g_new0 (double, n);
      for (guint k = 0; k < n; k++)
        {
          const ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, g_array_index (steps, int, k));
          double fraction = max_value > 0 ? (double) stage->reached / max_value : 0;
          double w = MAX (min_width, fraction * area.width);

          if (k > 0)
            w = MIN (w, rects[k - 1].width);
          rects[k] = (Rect) { area.x + (area.width - w) / 2, top + k * (band_height + gap), w, band_height };
          if (mode == SCIM_FUNNEL_REACHED)
            fills[k] = w;
          else if (stage->count == 0)
            fills[k] = 0;
          else
            fills[k] = MAX (MIN_FILL_WIDTH, w * MIN (1.0, (double) stage->count / MAX (stage->reached, 1)));
        }

      /* The walls between the bands; the worst step's in the warning colour. */
      for (guint k = 0; k + 1 < n; k++)
        {
          const Rect *a = &rects[k], *b = &rects[k + 1];

          cairo_move_to (cr, a->x, a->y + a->height);
          cairo_line_to (cr, a->x + a->width, a->y + a->height);
          cairo_line_to (cr, b->x + b->width, b->y);
          cairo_line_to (cr, b->x, b->y);
          cairo_close_path (cr);
          if ((int) k == worst)
            source_alpha (cr, style->warning, 0.55);
          else
            source_alpha (cr, style->accent, 0.22);
          cairo_fill (cr);
        }

      for (guint k = 0; k < n; k++)
        {
          int index = g_array_index (steps, int, k);
          const ScimFunnelStage *stage = g_ptr_array_index (funnel->stages, index);
          const ScimFunnelStage *above = k > 0 ? g_ptr_array_index (funnel->stages, g_array_index (steps, int, k - 1))
                                               : NULL;
          const double *fill = g_str_equal (stage->kind, "won") ? won_fill : style->accent;
          double radius = MIN (6, band_height / 3);
          double label_fill[4];
          gboolean below_worst = worst >= 0 && (int) k == worst + 1;
          g_autofree char *value = NULL;
          g_autofree char *money = NULL;
          g_autofree char *conversion = NULL;
          ScimFunnelBand band = { 0 };
          Rect label;
          gboolean cut = FALSE;

          memcpy (label_fill, fill, sizeof label_fill);
          if (mode == SCIM_FUNNEL_IN_WORK)
            {
              /* The reached outline, light, and the sales there now in
               * the middle of it; the text reads on both. */
              rounded_rect (cr, rects[k].x, rects[k].y, rects[k].width, rects[k].height, radius);
              source_alpha (cr, fill, OUTLINE_ALPHA);
              cairo_fill_preserve (cr);
              source_alpha (cr, fill, 0.6);
              cairo_set_line_width (cr, 1);
              cairo_stroke (cr);
              if (fills[k] > 0)
                {
                  rounded_rect (cr, rects[k].x + (rects[k].width - fills[k]) / 2, rects[k].y, fills[k],
                                rects[k].height, MIN (radius, fills[k] / 2));
                  source_alpha (cr, fill, IN_WORK_ALPHA);
                  cairo_fill (cr);
                }
              label_fill[3] *= IN_WORK_ALPHA;
              rounded_rect (cr, rects[k].x, rects[k].y, rects[k].width, rects[k].height, radius);
            }
          else
            {
              rounded_rect (cr, rects[k].x, rects[k].y, rects[k].width, rects[k].height, radius);
              source (cr, fill);
              cairo_fill_preserve (cr);
            }
          if (below_worst)
            {
              source (cr, style->warning);
              cairo_set_line_width (cr, 2);
              cairo_stroke (cr);
            }
          else
            cairo_new_path (cr);

          band_numbers (stage, above, mode, below_worst, &value, &money, &conversion);
          if (compare != NULL)
            mark_delta (&value, stage, compare, mode, &band);
          label = draw_band_label (&text, style, &rects[k], &area, label_fill, stage->name, value, money, conversion,
                                   width, height, &cut);
          band.label_cut = cut;

          band.stage_index = index;
          band.x = rects[k].x;
          band.y = rects[k].y;
          band.width = rects[k].width;
          band.height = rects[k].height;
          band.fill_width = fills[k];
          band.label_x = label.x;
          band.label_y = label.y;
          band.label_width = label.width;
          band.label_height = label.height;
          g_array_append_val (bands, band);
        }

      if (worst >= 0 && worst + 1 < (int) n)
        {
          const Rect *a = &rects[worst], *b = &rects[worst + 1];
          double left = MIN (a->x, b->x) - MARKER_SIZE;

          draw_marker (cr, MAX (area.x + MARKER_SIZE / 2, left), a->y + a->height + gap / 2, style->warning);
        }
    }

  if (sides->len > 0)
    draw_sides (&text, funnel, compare, mode, style, &side_box, width < SIDE_RIGHT_MIN, sides, bands, width, height);

  text_clear (&text);
  cairo_restore (cr);
  return bands;
}

/* One funnel under its title in the cell at @x, @y; its bands, moved to
 * the whole drawing's place, go to @bands. */
static void
paint_cell (Text                  *text,
            double                 x,
            double                 y,
            double                 cell_width,
            double                 cell_height,
            const char            *title,
            const ScimFunnel      *funnel,
            const ScimFunnel      *compare,
            ScimFunnelMode         mode,
            const ScimFunnelStyle *style,
            const ScimFunnelStyle *inner,
            int                    index,
            GArray                *bands)
{
  g_autofree char *escaped = g_markup_escape_text (title != NULL ? title : "", -1);
  g_autofree char *markup = g_strdup_printf ("<b>%s</b>", escaped);
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(GArray) inner_bands = NULL;
  double w, h;

  layout = text_layout (text, markup, 1.1, MAX (cell_width - 2 * MARGIN, 1), &w, &h);
  text_draw (text->cr, layout, x + (cell_width - w) / 2, y + MARGIN / 2, style->foreground);

  cairo_save (text->cr);
  cairo_translate (text->cr, x, y + h + MARGIN / 2);
  inner_bands = paint_one (text->cr, cell_width, MAX (cell_height - h - MARGIN / 2, 1), funnel, compare, mode, inner);
  cairo_restore (text->cr);

  for (guint b = 0; b < inner_bands->len; b++)
    {
      ScimFunnelBand band = g_array_index (inner_bands, ScimFunnelBand, b);

      band.x += x;
      band.y += y + h + MARGIN / 2;
      band.label_x += x;
      band.label_y += y + h + MARGIN / 2;
      band.funnel_index = index;
      g_array_append_val (bands, band);
    }
}

/**
 * scim_funnel_paint_compare:
 * @cr: where to draw
 * @width: the drawing's width
 * @height: its height
 * @now: the funnel as it stands
 * @then: the same product's funnel at another moment
 * @now_title: what @now is ("Now", "As of 1 March")
 * @then_title: what @then is
 * @mode: in work now, or reached
 * @style: colours and font
 *
 * The two side by side, each under its title, the present on the left with
 * each band saying how it differs from the same stage then: ▲ more, ▼
 * fewer, = the same (ScimFunnelBand.delta).  Side by side in a drawing of
 * any width: each half is a whole funnel of its own.
 *
 * Returns: (transfer full) (element-type ScimFunnelBand): the bands of
 *   @now (funnel_index 0, compared set) and then of @then (funnel_index 1)
 */
GArray *
scim_funnel_paint_compare (cairo_t               *cr,
                           double                 width,
                           double                 height,
                           const ScimFunnel      *now,
                           const ScimFunnel      *then,
                           const char            *now_title,
                           const char            *then_title,
                           ScimFunnelMode         mode,
                           const ScimFunnelStyle *style)
{
  GArray *bands = g_array_new (FALSE, TRUE, sizeof (ScimFunnelBand));
  ScimFunnelStyle inner;
  Text text;
  double half;

  g_return_val_if_fail (cr != NULL, bands);
  g_return_val_if_fail (now != NULL && then != NULL, bands);
  g_return_val_if_fail (style != NULL, bands);

  if (width <= 0 || height <= 0)
    return bands;

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  if (style->background[3] > 0)
    {
      source (cr, style->background);
      cairo_paint (cr);
    }
  text_init (&text, cr, style);
  inner = *style;
  inner.background[3] = 0;

  half = width / 2;
  paint_cell (&text, 0, 0, half, height, now_title, now, then, mode, style, &inner, 0, bands);
  /* A rule between the two. */
  source_alpha (cr, style->foreground, 0.15);
  cairo_rectangle (cr, half - 0.5, MARGIN, 1, MAX (height - 2 * MARGIN, 1));
  cairo_fill (cr);
  paint_cell (&text, half, 0, half, height, then_title, then, NULL, mode, style, &inner, 1, bands);

  text_clear (&text);
  cairo_restore (cr);
  return bands;
}

/**
 * scim_funnel_paint_grid:
 * @cr: where to draw
 * @width: the drawing's width
 * @height: its height
 * @funnels: (element-type ScimFunnel): the funnels
 * @mode: in work now, or reached
 * @style: colours and font
 *
 * Draws small funnels side by side, in rows when they do not fit in one,
 * each under its product's name.
 *
 * Returns: (transfer full) (element-type ScimFunnelBand): the bands of all,
 *   with funnel_index saying whose
 */
GArray *
scim_funnel_paint_grid (cairo_t               *cr,
                        double                 width,
                        double                 height,
                        GPtrArray             *funnels,
                        ScimFunnelMode         mode,
                        const ScimFunnelStyle *style)
{
  GArray *bands = g_array_new (FALSE, TRUE, sizeof (ScimFunnelBand));
  ScimFunnelStyle inner;
  Text text;
  guint n, columns, rows;
  double cell_width, cell_height;

  g_return_val_if_fail (cr != NULL, bands);
  g_return_val_if_fail (funnels != NULL, bands);
  g_return_val_if_fail (style != NULL, bands);

  n = funnels->len;
  if (width <= 0 || height <= 0)
    return bands;

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  if (style->background[3] > 0)
    {
      source (cr, style->background);
      cairo_paint (cr);
    }
  text_init (&text, cr, style);
  inner = *style;
  inner.background[3] = 0;

  if (n == 0)
    {
      double w, h;
      g_autoptr(PangoLayout) layout = text_layout (&text, _("There are no products to show."), 1, width, &w, &h);

      text_draw (cr, layout, (width - w) / 2, (height - h) / 2, style->foreground);
      text_clear (&text);
      cairo_restore (cr);
      return bands;
    }

  columns = CLAMP ((guint) (width / CELL_MIN_WIDTH), 1, n);
  rows = (n + columns - 1) / columns;
  cell_width = width / columns;
  cell_height = height / rows;

  for (guint i = 0; i < n; i++)
    {
      const ScimFunnel *funnel = g_ptr_array_index (funnels, i);

      paint_cell (&text, (i % columns) * cell_width, (i / columns) * cell_height, cell_width, cell_height,
                  funnel->product, funnel, NULL, mode, style, &inner, (int) i, bands);
    }

  text_clear (&text);
  cairo_restore (cr);
  return bands;
}

/**
 * scim_funnel_paint_many:
 * @cr: where to draw
 * @width: the drawing's width
 * @height: its height
 * @funnels: (element-type ScimFunnel): the funnels
 * @mode: in work now, or reached
 * @style: colours and font
 *
 * scim_funnel_paint_grid() for callers that need no bands.
 */
void
scim_funnel_paint_many (cairo_t               *cr,
                        double                 width,
                        double                 height,
                        GPtrArray             *funnels,
                        ScimFunnelMode         mode,
                        const ScimFunnelStyle *style)
{
  g_autoptr(GArray) bands = scim_funnel_paint_grid (cr, width, height, funnels, mode, style);
}

static gboolean
some_label_cut (ScimFunnelLayoutFunc  layout,
                gpointer              data,
                double                width,
                double                height)
{
  cairo_surface_t *surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GArray) bands = layout (cr, width, height, data);
  gboolean cut = FALSE;

  for (guint i = 0; bands != NULL && i < bands->len && !cut; i++)
    cut = g_array_index (bands, ScimFunnelBand, i).label_cut;
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return cut;
}

/**
 * scim_funnel_min_height:
 * @layout: (scope call): paints the picture and returns its bands
 * @data: for @layout
 * @width: the width it has
 * @height: the height it has
 *
 * How tall the picture must be at @width for every label to be whole in
 * the style's own type size: @height when that is enough, else more (the
 * chart then scrolls); at most 16 times @height.
 *
 * Returns: the height
 */
double
scim_funnel_min_height (ScimFunnelLayoutFunc  layout,
                        gpointer              data,
                        double                width,
                        double                height)
{
  double low = height, high;

  g_return_val_if_fail (layout != NULL, height);

  if (width <= 0 || height <= 0 || !some_label_cut (layout, data, width, height))
    return height;
  /* Doubling to a height where everything fits, then halving the step. */
  for (high = height * 2; high < height * 16 && some_label_cut (layout, data, width, high); high *= 2)
    low = high;
  if (high >= height * 16)
    return height * 16;
  while (high - low > 8)
    {
      double middle = (low + high) / 2;

      if (some_label_cut (layout, data, width, middle))
        low = middle;
      else
        high = middle;
    }
  return ceil (high);
}

/**
 * scim_funnel_band_at:
 * @bands: (element-type ScimFunnelBand) (nullable): from a paint
 * @x: a point in the drawing
 * @y: its y
 *
 * Returns: the index in @bands of the band under the point, or -1
 */
int
scim_funnel_band_at (GArray *bands,
                     double  x,
                     double  y)
{
  if (bands == NULL)
    return -1;
  for (guint i = 0; i < bands->len; i++)
    {
      const ScimFunnelBand *band = &g_array_index (bands, ScimFunnelBand, i);

      if (x >= band->x && x <= band->x + band->width && y >= band->y && y <= band->y + band->height)
        return (int) i;
    }
  return -1;
}

/**
 * scim_funnel_describe_stage:
 * @funnel: a funnel
 * @stage_index: index in its stages
 * @mode: what the picture shows
 *
 * Returns: (transfer full): one sentence about the stage, for a tooltip or
 *   an accessible description
 */
char *
scim_funnel_describe_stage (const ScimFunnel *funnel,
                            guint             stage_index,
                            ScimFunnelMode    mode)
{
  const ScimFunnelStage *stage;
  g_autofree char *money = NULL;
  g_autofree char *share = NULL;
  GString *out;

  g_return_val_if_fail (funnel != NULL, NULL);
  g_return_val_if_fail (stage_index < funnel->stages->len, NULL);

  stage = g_ptr_array_index (funnel->stages, stage_index);
  money = scim_format_amount (stage->amount);
  share = percent (stage->share);
  out = g_string_new (NULL);

  if (!stage_is_step (stage))
    {
      /* Translators: about a paused or lost stage of a funnel. */
      g_string_append_printf (out, _("%s: %u sales now, %s; %u were there at some time."),
                              stage->name, stage->count, money, stage->reached);
      return g_string_free (out, FALSE);
    }

  /* Translators: about a stage of a funnel: name, sales in work, their
   * amount, how many reached the stage, and that as a share of the top. */
  g_string_append_printf (out, _("%s: %u sales in work, %s; %u reached it, %s of the top."),
                          stage->name, stage->count, money, stage->reached, share);
  if (stage->conversion >= 0)
    {
      g_autofree char *conversion = percent (stage->conversion);
      g_string_append (out, " ");
      /* Translators: the share of the sales that reached a stage and went on. */
      g_string_append_printf (out, _("%s went on to the next stage."), conversion);
    }
  if ((int) stage_index == funnel->worst_step)
    {
      g_string_append (out, " ");
      g_string_append (out, _("This is the funnel’s worst drop-off."));
    }
  (void) mode;
  return g_string_free (out, FALSE);
}

/* Export */

typedef struct
{
  GOutputStream *stream;
  GError        *error;
} Writer;

static cairo_status_t
write_cb (void                *closure,
          const unsigned char *data,
          unsigned int         length)
{
  Writer *writer = closure;

  if (writer->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!g_output_stream_write_all (writer->stream, data, length, NULL, NULL, &writer->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

static gboolean
cairo_failed (cairo_status_t   status,
              Writer          *writer,
              GError         **error)
{
  if (writer->error != NULL)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED, _("Cannot write the picture: %s"),
                   writer->error->message);
      return TRUE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED, _("Cannot draw the picture: %s"),
                   cairo_status_to_string (status));
      return TRUE;
    }
  return FALSE;
}

/**
 * scim_funnel_export_to_stream:
 * @funnels: (element-type ScimFunnel): one funnel, or several side by side
 * @mode: in work now, or reached
 * @format: PNG, SVG or PDF
 * @stream: where to write; not closed
 * @width: the picture's width (pixels for PNG, points for SVG and PDF)
 * @height: its height
 * @error: return location for an error
 *
 * The picture in the light style on a white page, each funnel under its
 * product's name.
 *
 * Returns: %TRUE when written
 */
typedef struct
{
  GPtrArray      *funnels;
  ScimFunnelMode  mode;
} ManyPicture;

static void
paint_many_cb (cairo_t  *cr,
               double    width,
               double    height,
               gpointer  user_data)
{
  ManyPicture *picture = user_data;
  ScimFunnelStyle style;

  scim_funnel_style_init_default (&style, FALSE);
  scim_funnel_paint_many (cr, width, height, picture->funnels, picture->mode, &style);
}

gboolean
scim_funnel_export_to_stream (GPtrArray         *funnels,
                              ScimFunnelMode     mode,
                              ScimFunnelFormat   format,
                              GOutputStream     *stream,
                              int                width,
                              int                height,
                              GError           **error)
{
  ManyPicture picture = { funnels, mode };

  g_return_val_if_fail (funnels != NULL, FALSE);

  return scim_funnel_write_picture (paint_many_cb, &picture, format, stream, width, height, error);
}

/**
 * scim_funnel_write_picture:
 * @paint: (scope call): draws the picture, on paper colours
 * @data: for @paint
 * @format: PNG, SVG or PDF
 * @stream: where the file goes
 * @width: the picture's width (pixels for PNG, points for SVG and PDF)
 * @height: its height
 * @error: return location for an error
 *
 * Any funnel picture as a file: what the chart shows (a comparison, the
 * date it stands at) exports through this as the CLI's pictures do.
 *
 * Returns: %TRUE when written
 */
gboolean
scim_funnel_write_picture (ScimFunnelPaintFunc  paint,
                           gpointer             data,
                           ScimFunnelFormat     format,
                           GOutputStream       *stream,
                           int                  width,
                           int                  height,
                           GError             **error)
{
  Writer writer = { stream, NULL };
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (paint != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  if (width < 1 || height < 1 || width > 32767 || height > 32767)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID,
                   _("A picture of %d × %d cannot be made: give a size from 1 to 32767."), width, height);
      return FALSE;
    }

  switch (format)
    {
    case SCIM_FUNNEL_FORMAT_SVG:
      surface = cairo_svg_surface_create_for_stream (write_cb, &writer, width, height);
      break;
    case SCIM_FUNNEL_FORMAT_PDF:
      surface = cairo_pdf_surface_create_for_stream (write_cb, &writer, width, height);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "SCIM Sales");
      break;
    case SCIM_FUNNEL_FORMAT_PNG:
    default:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      break;
    }

  cr = cairo_create (surface);
  paint (cr, width, height, data);
  status = cairo_status (cr);
  cairo_destroy (cr);

  if (status == CAIRO_STATUS_SUCCESS && format == SCIM_FUNNEL_FORMAT_PNG)
    status = cairo_surface_write_to_png_stream (surface, write_cb, &writer);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (cairo_failed (status, &writer, error))
    {
      g_clear_error (&writer.error);
      return FALSE;
    }
  return TRUE;
}

/**
 * scim_funnel_export:
 * @funnels: (element-type ScimFunnel): one funnel, or several side by side
 * @mode: in work now, or reached
 * @format: PNG, SVG or PDF
 * @path: the file; replaced only when the whole picture is written
 * @width: the picture's width (pixels for PNG, points for SVG and PDF)
 * @height: its height
 * @error: return location for an error
 *
 * Returns: %TRUE when written
 */
gboolean
scim_funnel_export (GPtrArray         *funnels,
                    ScimFunnelMode     mode,
                    ScimFunnelFormat   format,
                    const char        *path,
                    int                width,
                    int                height,
                    GError           **error)
{
  ManyPicture picture = { funnels, mode };

  g_return_val_if_fail (funnels != NULL, FALSE);

  return scim_funnel_write_picture_file (paint_many_cb, &picture, format, path, width, height, error);
}

/**
 * scim_funnel_write_picture_file:
 * @paint: (scope call): draws the picture
 * @data: for @paint
 * @format: PNG, SVG or PDF
 * @path: the file; replaced only when the whole picture is written
 * @width: the picture's width
 * @height: its height
 * @error: return location for an error
 *
 * scim_funnel_write_picture() into a file.
 *
 * Returns: %TRUE when written
 */
gboolean
scim_funnel_write_picture_file (ScimFunnelPaintFunc  paint,
                                gpointer             data,
                                ScimFunnelFormat     format,
                                const char          *path,
                                int                  width,
                                int                  height,
                                GError             **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  file = g_file_new_for_path (path);
  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, &local_error);
  if (out == NULL)
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED, _("Cannot write “%s”: %s"), path,
                   local_error->message);
      return FALSE;
    }
  if (!scim_funnel_write_picture (paint, data, format, G_OUTPUT_STREAM (out), width, height, error))
    {
      /* Closing a cancelled replacement leaves the old file as it was. */
      g_cancellable_cancel (cancellable);
      g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, NULL);
      return FALSE;
    }
  if (!g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &local_error))
    {
      g_set_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_FAILED, _("Cannot write “%s”: %s"), path,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}
