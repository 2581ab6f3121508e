/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What an exported funnel picture shows, checked by its content rather than
 * its magic bytes: the bands are painted where the painter put them (PNG,
 * and SVG rendered back by rsvg-convert), and the stage names are in the
 * PDF's text (pdftotext).  Shared by test-funnel and test-cli-funnel. */

#include <cairo.h>
#include <string.h>

#include "scim-core.h"

/* A tool the check needs and the machine lacks: in CI (CI=true) that is a
 * failure, elsewhere a reported skip. */
static gboolean
picture_tool (const char *program)
{
  g_autofree char *found = g_find_program_in_path (program);

  if (found != NULL)
    return TRUE;
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_test_fail_printf ("%s is missing, and CI must run this check (./build-aux/dev test installs it)", program);
  else
    g_test_skip_printf ("%s is missing: ./build-aux/dev test installs it", program);
  return FALSE;
}

static guint32
picture_pixel (cairo_surface_t *image,
               int              x,
               int              y)
{
  const guchar *data = cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image);

  x = CLAMP (x, 0, cairo_image_surface_get_width (image) - 1);
  y = CLAMP (y, 0, cairo_image_surface_get_height (image) - 1);
  return *(const guint32 *) (data + (gsize) y * stride + (gsize) x * 4);
}

/* Each band the painter lays out for @funnels at the picture's size is
 * painted in @png: its middle, near its top edge, is not the background. */
static void
assert_png_bands_painted (const char *png,
                          GPtrArray  *funnels,
                          ScimFunnelMode mode)
{
  cairo_surface_t *image = cairo_image_surface_create_from_png (png);
  cairo_surface_t *scratch;
  ScimFunnelStyle style;
  GArray *bands;
  guint32 background;
  int width, height;
  cairo_t *cr;

  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_flush (image);
  width = cairo_image_surface_get_width (image);
  height = cairo_image_surface_get_height (image);
  scratch = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (scratch);
  scim_funnel_style_init_default (&style, FALSE);
  bands = scim_funnel_paint_grid (cr, width, height, funnels, mode, &style);
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);

  g_assert_cmpuint (bands->len, >, 0);
  background = picture_pixel (image, 0, 0);
  for (guint i = 0; i < bands->len; i++)
    {
      ScimFunnelBand *band = &g_array_index (bands, ScimFunnelBand, i);
      guint32 inside = picture_pixel (image, (int) (band->x + band->width / 2), (int) (band->y + 2));

      if (band->width < 1 || band->height < 1)
        continue;
      if (inside == background)
        g_error ("%s: band %u (stage %d of funnel %d) at %.0f,%.0f %.0fx%.0f is not painted", png, i,
                 band->stage_index, band->funnel_index, band->x, band->y, band->width, band->height);
    }
  g_array_unref (bands);
  cairo_surface_destroy (image);
}

/* The SVG, rendered back to pixels by another program, shows the bands. */
static void
assert_svg_bands_painted (const char *svg,
                          GPtrArray  *funnels,
                          ScimFunnelMode mode)
{
  g_autofree char *png = g_strconcat (svg, ".png", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  /* cairo writes the size in points: at 72 dpi a point is a pixel. */
  const char *argv[] = { "rsvg-convert", "--dpi-x=72", "--dpi-y=72", "--background-color=white", "-o", png, svg, NULL };
  int status = 0;

  if (!picture_tool ("rsvg-convert"))
    return;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("rsvg-convert %s: %s", svg, err);
  assert_png_bands_painted (png, funnels, mode);
}

/* The PDF's text holds every one of @words (stage names, say). */
static void
assert_pdf_says (const char        *pdf,
                 const char * const *words)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *flat = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL };
  int status = 0;

  if (!picture_tool ("pdftotext"))
    return;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("pdftotext %s: %s", pdf, err);
  /* A label may wrap: compare with the lines joined by spaces. */
  flat = g_strdelimit (g_strdup (out), "\n", ' ');
  for (guint i = 0; words[i] != NULL; i++)
    if (strstr (flat, words[i]) == NULL)
      g_error ("“%s” is not in the text of %s:\n%s", words[i], pdf, out);
}
