/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-csv"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <string.h>

#include "scim-csv.h"
#include "scim-format.h"

/* A streaming CSV reader for imports.  Neither Debian nor the GNOME Flatpak
 * runtime ships a well-kept CSV library, so this is ours; tests/fuzz-csv.c
 * fuzzes it.
 *
 * The stream is read a chunk at a time and decoded to UTF-8 first; the
 * parser then works on bytes, which is safe because every byte it looks for
 * (quote, delimiter, CR, LF) is ASCII and never part of a multibyte UTF-8
 * sequence.  The memory held is one raw chunk, its decoded text and the
 * current record, which is capped, so a file of any size reads in bounded
 * memory.  A decoding problem (a bad byte, a NUL) does not fail at once: the
 * text before it is parsed first, so the error can name the line it is on. */

/* How many records the delimiter detection looks at. */
#define SNIFF_RECORDS 20
/* The first read must at least hold a byte order mark. */
#define MIN_FIRST_READ 4
/* Room after a chunk for the incomplete character left over from the one before. */
#define LEFTOVER_ROOM 8

#define EMPTY_MESSAGE N_("The file is empty. Choose a CSV file with a header row and at least one row of data.")

typedef enum
{
  DECODE_OK,
  DECODE_INVALID,
  DECODE_NUL,
} DecodeStatus;

typedef enum
{
  STATE_RECORD_START,
  STATE_FIELD_START,
  STATE_UNQUOTED,
  STATE_QUOTED,
  STATE_QUOTE_IN_QUOTED,
  STATE_SKIP_LINE,
} State;

struct _ScimCsvReader
{
  GInputStream   *stream;
  ScimCsvOptions  options;
  GIConv          converter;

  /* Bytes read but not decoded yet: the end of a chunk that cuts a character. */
  guint8         *raw;
  gsize           raw_len;
  gsize           raw_size;
  gboolean        stream_done;
  gboolean        input_done;
  DecodeStatus    pending;

  /* Decoded text and how far the parser has got in it. */
  GString        *text;
  gsize           text_pos;

  /* The record being read: its fields, each ended by a NUL byte. */
  GString        *record;
  gsize           field_start;
  guint           n_fields;

  State           state;
  guint           line;
  guint           record_line;
  guint           field_line;
  gboolean        prev_cr;
  gboolean        any_record;
  gboolean        finished;

  guint64         bytes_read;
  gsize           peak;
  GError         *failure;
};

G_DEFINE_QUARK (scim-csv-error-quark, scim_csv_error)

/* Encodings */

/**
 * scim_csv_encoding_get_name:
 * @encoding: an encoding
 *
 * Returns: (nullable): the iconv name of @encoding, such as "WINDOWS-1251",
 *   or %NULL for %SCIM_CSV_ENCODING_AUTO
 */
const char *
scim_csv_encoding_get_name (ScimCsvEncoding encoding)
{
  switch (encoding)
    {
    case SCIM_CSV_ENCODING_UTF8:
      return "UTF-8";
    case SCIM_CSV_ENCODING_WINDOWS_1251:
      return "WINDOWS-1251";
    case SCIM_CSV_ENCODING_UTF16LE:
      return "UTF-16LE";
    case SCIM_CSV_ENCODING_UTF16BE:
      return "UTF-16BE";
    case SCIM_CSV_ENCODING_AUTO:
    default:
      return NULL;
    }
}

static ScimCsvEncoding
detect_bom (const guint8 *bytes,
            gsize         len,
            gsize        *bom_len)
{
  if (len >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
    {
      *bom_len = 3;
      return SCIM_CSV_ENCODING_UTF8;
    }
  if (len >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
    {
      *bom_len = 2;
      return SCIM_CSV_ENCODING_UTF16LE;
    }
  if (len >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
    {
      *bom_len = 2;
      return SCIM_CSV_ENCODING_UTF16BE;
    }
  *bom_len = 0;
  return SCIM_CSV_ENCODING_AUTO;
}

/* Whether @bytes could be the start of a UTF-8 character whose rest is in
 * the next chunk. */
static gboolean
is_utf8_prefix (const guint8 *bytes,
                gsize         len)
{
  gsize need;

  if (bytes[0] >= 0xC2 && bytes[0] <= 0xDF)
    need = 2;
  else if (bytes[0] >= 0xE0 && bytes[0] <= 0xEF)
    need = 3;
  else if (bytes[0] >= 0xF0 && bytes[0] <= 0xF4)
    need = 4;
  else
    return FALSE;
  if (len >= need)
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if ((bytes[i] & 0xC0) != 0x80)
      return FALSE;
  return TRUE;
}

static gboolean
is_valid_utf8_chunk (const guint8 *bytes,
                     gsize         len)
{
  const char *end = NULL;
  gsize valid;

  if (g_utf8_validate_len ((const char *) bytes, len, &end))
    return TRUE;
  valid = (gsize) ((const guint8 *) end - bytes);
  return bytes[valid] != '\0' && is_utf8_prefix (bytes + valid, len - valid);
}

/* Russian text in Windows-1251 is mostly letters, 0xC0–0xFF plus Ё and ё;
 * 0x98 is the one byte the code page leaves undefined. */
static gboolean
looks_like_windows_1251 (const guint8 *bytes,
                         gsize         len)
{
  gsize high = 0;
  gsize letters = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (bytes[i] < 0x80)
        continue;
      if (bytes[i] == 0x98)
        return FALSE;
      high++;
      if (bytes[i] >= 0xC0 || bytes[i] == 0xA8 || bytes[i] == 0xB8)
        letters++;
    }
  return high > 0 && letters * 10 >= high * 7;
}

/* A NUL byte, or more than one byte in ten a control character other
 * than tab and line ends. */
static gboolean
looks_binary (const guint8 *bytes,
              gsize         len)
{
  gsize controls = 0;

  if (memchr (bytes, '\0', len) != NULL)
    return TRUE;
  for (gsize i = 0; i < len; i++)
    if ((bytes[i] < 0x20 && bytes[i] != '\t' && bytes[i] != '\n' && bytes[i] != '\r') ||
        bytes[i] == 0x7F)
      controls++;
  return controls * 10 > len;
}

static GIConv
open_converter (ScimCsvEncoding   encoding,
                GError          **error)
{
  const char *name = scim_csv_encoding_get_name (encoding);
  GIConv converter = g_iconv_open ("UTF-8", name);

  if (converter == (GIConv) -1)
    g_set_error (error, SCIM_CSV_ERROR, SCIM_CSV_ERROR_ENCODING,
                 _("This system cannot read text in %s. Save the file as CSV in UTF-8 and try again."),
                 name);
  return converter;
}

/* Appends the text of @in to @out as UTF-8 and returns how many bytes of
 * @in it used.  It uses fewer when @in ends inside a character (the rest
 * comes with the next chunk) or when it stops at a bad byte or a NUL, which
 * @status then tells. */
static gsize
decode (ScimCsvEncoding  encoding,
        GIConv           converter,
        const guint8    *in,
        gsize            in_len,
        gboolean         at_end,
        GString         *out,
        DecodeStatus    *status)
{
  gsize old_len = out->len;
  gsize used;
  const char *nul;

  *status = DECODE_OK;
  if (encoding == SCIM_CSV_ENCODING_UTF8)
    {
      const char *end = NULL;

      if (g_utf8_validate_len ((const char *) in, in_len, &end))
        used = in_len;
      else
        {
          used = (gsize) ((const guint8 *) end - in);
          if (in[used] == '\0')
            *status = DECODE_NUL;
          else if (at_end || !is_utf8_prefix (in + used, in_len - used))
            *status = DECODE_INVALID;
        }
      g_string_append_len (out, (const char *) in, used);
      return used;
    }

  {
    char *inbuf = (char *) in;
    gsize inleft = in_len;

    while (inleft > 0)
      {
        /* One input byte never makes more than three bytes of UTF-8. */
        gsize room = inleft * 3 + 16;
        gsize start = out->len;
        char *outbuf;
        gsize outleft = room;
        gsize converted;
        int saved_errno;

        g_string_set_size (out, start + room);
        outbuf = out->str + start;
        converted = g_iconv (converter, &inbuf, &inleft, &outbuf, &outleft);
        saved_errno = errno;
        g_string_set_size (out, start + room - outleft);
        if (converted != (gsize) -1 || saved_errno == E2BIG)
          continue;
        if (saved_errno == EINVAL && !at_end)
          break;
        *status = DECODE_INVALID;
        break;
      }
    used = in_len - inleft;
  }

  nul = memchr (out->str + old_len, '\0', out->len - old_len);
  if (nul != NULL)
    {
      g_string_truncate (out, (gsize) (nul - out->str));
      *status = DECODE_NUL;
    }
  return used;
}

/* Delimiter detection */

/* Splits the first records of @text by @delimiter as the reader would, but
 * leniently, and stores their field counts in @counts. */
static guint
count_fields (const char *text,
              gsize       len,
              char        delimiter,
              guint      *counts)
{
  guint n_records = 0;
  guint fields = 0;
  gboolean in_record = FALSE;
  gboolean in_quotes = FALSE;
  gboolean at_field_start = TRUE;

  for (gsize i = 0; i < len && n_records < SNIFF_RECORDS; i++)
    {
      char c = text[i];

      if (in_quotes)
        {
          if (c == '"')
            {
              if (i + 1 < len && text[i + 1] == '"')
                i++;
              else
                in_quotes = FALSE;
            }
          continue;
        }
      if (c == '\r' || c == '\n')
        {
          if (in_record)
            counts[n_records++] = fields + 1;
          in_record = FALSE;
          fields = 0;
          at_field_start = TRUE;
          continue;
        }
      in_record = TRUE;
      if (c == delimiter)
        {
          fields++;
          at_field_start = TRUE;
        }
      else
        {
          if (c == '"' && at_field_start)
            in_quotes = TRUE;
          at_field_start = FALSE;
        }
    }

  /* The end of the chunk may cut the last record, so it counts only when
   * it is the only one. */
  if (in_record && !in_quotes && n_records == 0)
    counts[n_records++] = fields + 1;
  return n_records;
}

/* The delimiter that gives every record the same number of fields, more
 * than one; `;` first, as Russian Excel writes it, then tab, then comma.
 * When none is consistent (a bad row among the first ones), the one most
 * records agree on. */
static char
detect_delimiter (const char *text,
                  gsize       len)
{
  static const char candidates[] = { ';', '\t', ',' };
  char best = ',';
  guint best_hits = 0;
  guint best_records = 1;
  guint best_mode = 0;

  for (guint c = 0; c < G_N_ELEMENTS (candidates); c++)
    {
      guint counts[SNIFF_RECORDS];
      guint n = count_fields (text, len, candidates[c], counts);
      guint mode = 0;
      guint hits = 0;

      for (guint i = 0; i < n; i++)
        {
          guint same = 0;

          for (guint j = 0; j < n; j++)
            if (counts[j] == counts[i])
              same++;
          if (same > hits || (same == hits && counts[i] > mode))
            {
              hits = same;
              mode = counts[i];
            }
        }
      if (mode < 2)
        continue;
      if (hits == n && n >= 2)
        return candidates[c];
      /* Compare hits / n with best_hits / best_records. */
      if ((guint64) hits * best_records > (guint64) best_hits * n ||
          ((guint64) hits * best_records == (guint64) best_hits * n && mode > best_mode))
        {
          best = candidates[c];
          best_hits = hits;
          best_records = n;
          best_mode = mode;
        }
    }
  return best;
}

/**
 * scim_csv_sniff:
 * @buf: (array length=len): the first bytes of a file
 * @len: the length of @buf
 * @options: (inout): what is known; fields left at %SCIM_CSV_ENCODING_AUTO
 *   and `\0` are filled in
 * @error: return location for a #GError
 *
 * Tells the encoding and the delimiter of a CSV file from its first chunk,
 * and refuses binary files.  A byte order mark always sets the encoding.
 * @buf may end in the middle of a character or a record.  When no
 * delimiter splits the records, as in a file of one column, the delimiter
 * is `,`.
 *
 * Returns: %TRUE when @options is complete, %FALSE with @error set
 */
gboolean
scim_csv_sniff (const char      *buf,
                gsize            len,
                ScimCsvOptions  *options,
                GError         **error)
{
  const guint8 *bytes = (const guint8 *) buf;
  ScimCsvEncoding bom;
  gsize bom_len;

  g_return_val_if_fail (buf != NULL || len == 0, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  bom = detect_bom (bytes, len, &bom_len);
  options->has_bom = bom != SCIM_CSV_ENCODING_AUTO;
  if (options->has_bom)
    options->encoding = bom;
  bytes += bom_len;
  len -= bom_len;

  if (len == 0)
    {
      g_set_error (error, SCIM_CSV_ERROR, SCIM_CSV_ERROR_EMPTY,
                   "%s", _(EMPTY_MESSAGE));
      return FALSE;
    }

  /* UTF-16 is full of NUL bytes; the decoder refuses a real NUL in it. */
  if (options->encoding != SCIM_CSV_ENCODING_UTF16LE &&
      options->encoding != SCIM_CSV_ENCODING_UTF16BE &&
      looks_binary (bytes, len))
    {
      g_set_error (error, SCIM_CSV_ERROR, SCIM_CSV_ERROR_BINARY,
                   _("This is a binary file, not CSV. Save the spreadsheet as CSV and choose that file."));
      return FALSE;
    }

  if (options->encoding == SCIM_CSV_ENCODING_AUTO)
    {
      if (is_valid_utf8_chunk (bytes, len))
        options->encoding = SCIM_CSV_ENCODING_UTF8;
      else if (looks_like_windows_1251 (bytes, len))
        options->encoding = SCIM_CSV_ENCODING_WINDOWS_1251;
      else
        {
          g_set_error (error, SCIM_CSV_ERROR, SCIM_CSV_ERROR_ENCODING,
                       _("Cannot tell the encoding of the file. Save the file as CSV in UTF-8 and try again."));
          return FALSE;
        }
    }

  if (options->delimiter == '\0')
    {
      g_autoptr(GString) text = g_string_new (NULL);
      GIConv converter = (GIConv) -1;
      DecodeStatus status;

      if (options->encoding != SCIM_CSV_ENCODING_UTF8)
        {
          converter = open_converter (options->encoding, error);
          if (converter == (GIConv) -1)
            return FALSE;
        }
      /* Whatever cannot be decoded is the reader's to report, with its line. */
      decode (options->encoding, converter, bytes, len, FALSE, text, &status);
      if (converter != (GIConv) -1)
        g_iconv_close (converter);
      options->delimiter = detect_delimiter (text->str, text->len);
    }

  return TRUE;
}

/* Reading */

static void
note_memory (ScimCsvReader *reader)
{
  gsize held = reader->raw_size + reader->text->allocated_len + reader->record->allocated_len;

  reader->peak = MAX (reader->peak, held);
}

static gboolean fail (ScimCsvReader  *reader,
                      GError        **error,
                      ScimCsvError    code,
                      const char     *format,
                      ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (ScimCsvReader  *reader,
      GError        **error,
      ScimCsvError    code,
      const char     *format,
      ...)
{
  GError *local = NULL;
  va_list args;

  va_start (args, format);
  local = g_error_new_valist (SCIM_CSV_ERROR, code, format, args);
  va_end (args);
  if (code != SCIM_CSV_ERROR_BAD_QUOTE && reader->failure == NULL)
    reader->failure = g_error_copy (local);
  g_propagate_error (error, local);
  return FALSE;
}

static gboolean
read_chunk (ScimCsvReader  *reader,
            gsize           want,
            GCancellable   *cancellable,
            GError        **error)
{
  gsize n = 0;
  GError *local = NULL;

  if (reader->stream_done)
    return TRUE;
  g_assert (reader->raw_len + want <= reader->raw_size);
  if (!g_input_stream_read_all (reader->stream, reader->raw + reader->raw_len, want, &n,
                                cancellable, &local))
    {
      /* Part of the chunk may be lost, so the reading cannot go on. */
      reader->failure = g_error_copy (local);
      g_propagate_error (error, local);
      return FALSE;
    }
  reader->raw_len += n;
  reader->bytes_read += n;
  if (n < want)
    reader->stream_done = TRUE;
  return TRUE;
}

static void
decode_raw (ScimCsvReader *reader)
{
  DecodeStatus status;
  gsize used = decode (reader->options.encoding, reader->converter,
                       reader->raw, reader->raw_len, reader->stream_done,
                       reader->text, &status);

  memmove (reader->raw, reader->raw + used, reader->raw_len - used);
  reader->raw_len -= used;
  if (status != DECODE_OK)
    reader->pending = status;
  else if (reader->stream_done)
    reader->input_done = TRUE;
  note_memory (reader);
}

/* Replaces the parsed text with the next decoded text; reads until there
 * is some, the input ends, or a decoding problem comes up. */
static gboolean
fill (ScimCsvReader  *reader,
      GCancellable   *cancellable,
      GError        **error)
{
  g_string_truncate (reader->text, 0);
  reader->text_pos = 0;
  while (reader->text->len == 0 && reader->pending == DECODE_OK && !reader->input_done)
    {
      if (!read_chunk (reader, reader->options.chunk_size, cancellable, error))
        return FALSE;
      decode_raw (reader);
    }
  return TRUE;
}

static gboolean
fail_pending (ScimCsvReader  *reader,
              GError        **error)
{
  if (reader->pending == DECODE_NUL)
    return fail (reader, error, SCIM_CSV_ERROR_BINARY,
                 _("Line %u: the file contains a NUL byte, so it is a binary file, not CSV. Save the spreadsheet as CSV and try again."),
                 reader->line);
  if (reader->options.encoding == SCIM_CSV_ENCODING_UTF8)
    return fail (reader, error, SCIM_CSV_ERROR_ENCODING,
                 _("Line %u: the text is not valid UTF-8. Save the file as CSV in UTF-8 and try again."),
                 reader->line);
  return fail (reader, error, SCIM_CSV_ERROR_ENCODING,
               _("Line %u: the text cannot be read as %s. Save the file as CSV in UTF-8 and try again."),
               reader->line, scim_csv_encoding_get_name (reader->options.encoding));
}

/* A CR LF pair is one line end, as are a lone CR and a lone LF. */
static void
count_line_end (ScimCsvReader *reader,
                char           c)
{
  if (c == '\r')
    {
      reader->line++;
      reader->prev_cr = TRUE;
    }
  else
    {
      if (!reader->prev_cr)
        reader->line++;
      reader->prev_cr = FALSE;
    }
}

static gboolean
check_length (ScimCsvReader  *reader,
              GError        **error)
{
  g_autofree char *limit = NULL;

  if (reader->record->len <= reader->options.max_record)
    return TRUE;
  limit = g_format_size (reader->options.max_record);
  /* Name the field when it makes most of the row, as a runaway quote does. */
  if ((reader->record->len - reader->field_start) * 2 > reader->record->len)
    return fail (reader, error, SCIM_CSV_ERROR_TOO_LONG,
                 _("Line %u: a field is too long (over %s). Check the quotes: a quote that is never closed takes in the rest of the file."),
                 reader->field_line, limit);
  return fail (reader, error, SCIM_CSV_ERROR_TOO_LONG,
               _("Line %u: the row is too long (over %s). Check the quotes and the delimiters."),
               reader->record_line, limit);
}

static gboolean
end_field (ScimCsvReader  *reader,
           GError        **error)
{
  g_string_append_c (reader->record, '\0');
  reader->n_fields++;
  return check_length (reader, error);
}

static gboolean
emit (ScimCsvReader  *reader,
      GPtrArray     **fields,
      guint          *line)
{
  GPtrArray *array = g_ptr_array_new_full (reader->n_fields, g_free);
  const char *field = reader->record->str;

  /* Fields hold no NUL byte: the decoder refuses them. */
  for (guint i = 0; i < reader->n_fields; i++)
    {
      gsize len = strlen (field);

      g_ptr_array_add (array, g_strndup (field, len));
      field += len + 1;
    }
  reader->state = STATE_RECORD_START;
  note_memory (reader);
  *fields = array;
  if (line != NULL)
    *line = reader->record_line;
  return TRUE;
}

static gboolean
finish_at_end (ScimCsvReader  *reader,
               GPtrArray     **fields,
               guint          *line,
               GError        **error)
{
  switch (reader->state)
    {
    case STATE_RECORD_START:
    case STATE_SKIP_LINE:
      /* Blank lines beyond the first chunk, where the reader could not see them. */
      if (!reader->any_record)
        return fail (reader, error, SCIM_CSV_ERROR_EMPTY, "%s", _(EMPTY_MESSAGE));
      reader->finished = TRUE;
      return FALSE;
    case STATE_QUOTED:
      return fail (reader, error, SCIM_CSV_ERROR_UNCLOSED_QUOTE,
                   _("Line %u: a quoted field is not closed. Check the quotes: each field that starts with a quote needs a closing one."),
                   reader->field_line);
    case STATE_FIELD_START:
    case STATE_UNQUOTED:
    case STATE_QUOTE_IN_QUOTED:
    default:
      if (!end_field (reader, error))
        return FALSE;
      return emit (reader, fields, line);
    }
}

/**
 * scim_csv_reader_new:
 * @stream: the CSV file
 * @options: (nullable): the encoding, the delimiter and the limits; %NULL
 *   to detect everything
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the first chunk of @stream, tells its encoding and delimiter where
 * @options leaves them open (see scim_csv_sniff()), and returns a reader
 * for its records.  A file with no bytes, or nothing but a byte order mark,
 * blanks and line ends, is refused with %SCIM_CSV_ERROR_EMPTY, here when
 * the first chunk shows it, else by the first scim_csv_reader_next().
 *
 * The reader blocks on @stream; run it in a thread for a file of any size.
 *
 * Returns: (transfer full) (nullable): a reader, or %NULL with @error set
 */
ScimCsvReader *
scim_csv_reader_new (GInputStream          *stream,
                     const ScimCsvOptions  *options,
                     GCancellable          *cancellable,
                     GError               **error)
{
  g_autoptr(ScimCsvReader) reader = NULL;
  ScimCsvOptions detected = { 0 };
  gsize bom_len = 0;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (options == NULL || options->delimiter == '\0' ||
                        ((guchar) options->delimiter < 0x80 && options->delimiter != '"' &&
                         options->delimiter != '\r' && options->delimiter != '\n'), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options != NULL)
    detected = *options;
  if (detected.max_record == 0)
    detected.max_record = SCIM_CSV_DEFAULT_MAX_RECORD;
  if (detected.chunk_size == 0)
    detected.chunk_size = SCIM_CSV_DEFAULT_CHUNK_SIZE;

  reader = g_new0 (ScimCsvReader, 1);
  reader->stream = g_object_ref (stream);
  reader->converter = (GIConv) -1;
  reader->raw_size = MAX (detected.chunk_size, MIN_FIRST_READ) + LEFTOVER_ROOM;
  reader->raw = g_malloc (reader->raw_size);
  reader->text = g_string_sized_new (MIN (detected.chunk_size, SCIM_CSV_DEFAULT_CHUNK_SIZE) + 1);
  reader->record = g_string_new (NULL);
  reader->line = 1;
  reader->options = detected;

  if (!read_chunk (reader, MAX (detected.chunk_size, MIN_FIRST_READ), cancellable, error))
    return NULL;
  if (!scim_csv_sniff ((const char *) reader->raw, reader->raw_len, &detected, error))
    return NULL;
  reader->options = detected;

  detect_bom (reader->raw, reader->raw_len, &bom_len);
  if (detected.has_bom)
    {
      memmove (reader->raw, reader->raw + bom_len, reader->raw_len - bom_len);
      reader->raw_len -= bom_len;
    }
  if (detected.encoding != SCIM_CSV_ENCODING_UTF8)
    {
      reader->converter = open_converter (detected.encoding, error);
      if (reader->converter == (GIConv) -1)
        return NULL;
    }

  decode_raw (reader);
  if (reader->input_done &&
      strspn (reader->text->str, " \t\r\n") == reader->text->len)
    {
      g_set_error (error, SCIM_CSV_ERROR, SCIM_CSV_ERROR_EMPTY,
                   "%s", _(EMPTY_MESSAGE));
      return NULL;
    }

  return g_steal_pointer (&reader);
}

/**
 * scim_csv_reader_next:
 * @reader: a #ScimCsvReader
 * @fields: (out) (transfer full) (element-type utf8): the fields of the next record
 * @line: (out) (optional): the physical line the record starts on, from 1
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the next record.  Fields are UTF-8, as they were in the file: the
 * quotes around a field are removed and doubled quotes inside it undone,
 * nothing else; line breaks inside quoted fields are kept as they were.
 * Blank lines are skipped.  Lines are physical lines: a record with a
 * quoted line break in it makes the next one start a line later.
 *
 * After %SCIM_CSV_ERROR_BAD_QUOTE the reader has skipped the rest of that
 * line and may be called again; after any other error it only repeats the
 * error.
 *
 * Returns: %TRUE with @fields set; %FALSE at the end of the file, with
 *   @error unset, or on an error
 */
gboolean
scim_csv_reader_next (ScimCsvReader  *reader,
                      GPtrArray     **fields,
                      guint          *line,
                      GCancellable   *cancellable,
                      GError        **error)
{
  const char delimiter = reader != NULL ? reader->options.delimiter : ',';

  g_return_val_if_fail (reader != NULL, FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *fields = NULL;
  if (line != NULL)
    *line = 0;
  if (reader->failure != NULL)
    {
      g_propagate_error (error, g_error_copy (reader->failure));
      return FALSE;
    }
  if (reader->finished)
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  for (;;)
    {
      const char *p;
      const char *end;
      const char *q;

      if (reader->text_pos == reader->text->len)
        {
          if (reader->pending != DECODE_OK)
            return fail_pending (reader, error);
          if (reader->input_done)
            return finish_at_end (reader, fields, line, error);
          if (!fill (reader, cancellable, error))
            return FALSE;
          continue;
        }

      p = reader->text->str + reader->text_pos;
      end = reader->text->str + reader->text->len;

      switch (reader->state)
        {
        case STATE_RECORD_START:
          if (*p == '\r' || *p == '\n')
            {
              count_line_end (reader, *p);
              reader->text_pos++;
              break;
            }
          g_string_truncate (reader->record, 0);
          reader->n_fields = 0;
          reader->any_record = TRUE;
          reader->record_line = reader->line;
          reader->state = STATE_FIELD_START;
          break;

        case STATE_FIELD_START:
          reader->field_start = reader->record->len;
          reader->field_line = reader->line;
          if (*p == '"')
            {
              reader->prev_cr = FALSE;
              reader->state = STATE_QUOTED;
              reader->text_pos++;
            }
          else if (*p == delimiter)
            {
              reader->prev_cr = FALSE;
              reader->text_pos++;
              if (!end_field (reader, error))
                return FALSE;
            }
          else if (*p == '\r' || *p == '\n')
            {
              count_line_end (reader, *p);
              reader->text_pos++;
              if (!end_field (reader, error))
                return FALSE;
              return emit (reader, fields, line);
            }
          else
            reader->state = STATE_UNQUOTED;
          break;

        case STATE_UNQUOTED:
          /* A quote inside an unquoted field is just a character. */
          for (q = p; q < end && *q != delimiter && *q != '\r' && *q != '\n'; q++)
            ;
          if (q > p)
            reader->prev_cr = FALSE;
          g_string_append_len (reader->record, p, q - p);
          reader->text_pos += (gsize) (q - p);
          if (!check_length (reader, error))
            return FALSE;
          if (q == end)
            break;
          reader->text_pos++;
          if (!end_field (reader, error))
            return FALSE;
          if (*q == delimiter)
            {
              reader->prev_cr = FALSE;
              reader->state = STATE_FIELD_START;
              break;
            }
          count_line_end (reader, *q);
          return emit (reader, fields, line);

        case STATE_QUOTED:
          for (q = p; q < end && *q != '"' && *q != '\r' && *q != '\n'; q++)
            ;
          if (q > p)
            reader->prev_cr = FALSE;
          g_string_append_len (reader->record, p, q - p);
          reader->text_pos += (gsize) (q - p);
          if (q < end)
            {
              if (*q == '"')
                {
                  reader->prev_cr = FALSE;
                  reader->state = STATE_QUOTE_IN_QUOTED;
                }
              else
                {
                  g_string_append_c (reader->record, *q);
                  count_line_end (reader, *q);
                }
              reader->text_pos++;
            }
          if (!check_length (reader, error))
            return FALSE;
          break;

        case STATE_QUOTE_IN_QUOTED:
          if (*p == '"')
            {
              g_string_append_c (reader->record, '"');
              reader->prev_cr = FALSE;
              reader->state = STATE_QUOTED;
              reader->text_pos++;
              if (!check_length (reader, error))
                return FALSE;
            }
          else if (*p == delimiter)
            {
              reader->prev_cr = FALSE;
              reader->state = STATE_FIELD_START;
              reader->text_pos++;
              if (!end_field (reader, error))
                return FALSE;
            }
          else if (*p == '\r' || *p == '\n')
            {
              count_line_end (reader, *p);
              reader->text_pos++;
              if (!end_field (reader, error))
                return FALSE;
              return emit (reader, fields, line);
            }
          else
            {
              /* Skip the rest of the line so the caller can go on and
               * list every bad line. */
              reader->state = STATE_SKIP_LINE;
              return fail (reader, error, SCIM_CSV_ERROR_BAD_QUOTE,
                           _("Line %u: unexpected text after a closing quote. Put the whole field in quotes and double each quote inside it."),
                           reader->line);
            }
          break;

        case STATE_SKIP_LINE:
        default:
          for (q = p; q < end && *q != '\r' && *q != '\n'; q++)
            ;
          if (q > p)
            reader->prev_cr = FALSE;
          reader->text_pos += (gsize) (q - p);
          if (q == end)
            break;
          count_line_end (reader, *q);
          reader->text_pos++;
          reader->state = STATE_RECORD_START;
          break;
        }
    }
}

/**
 * scim_csv_reader_get_encoding:
 * @reader: a #ScimCsvReader
 *
 * Returns: the encoding of the file, detected or given
 */
ScimCsvEncoding
scim_csv_reader_get_encoding (ScimCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, SCIM_CSV_ENCODING_AUTO);

  return reader->options.encoding;
}

/**
 * scim_csv_reader_get_encoding_name:
 * @reader: a #ScimCsvReader
 *
 * Returns: the name of the encoding, such as "UTF-8" or "WINDOWS-1251"
 */
const char *
scim_csv_reader_get_encoding_name (ScimCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, NULL);

  return scim_csv_encoding_get_name (reader->options.encoding);
}

/**
 * scim_csv_reader_get_delimiter:
 * @reader: a #ScimCsvReader
 *
 * Returns: the delimiter, detected or given
 */
char
scim_csv_reader_get_delimiter (ScimCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, '\0');

  return reader->options.delimiter;
}

/**
 * scim_csv_reader_get_had_bom:
 * @reader: a #ScimCsvReader
 *
 * Returns: whether the file began with a byte order mark
 */
gboolean
scim_csv_reader_get_had_bom (ScimCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, FALSE);

  return reader->options.has_bom;
}

/**
 * scim_csv_reader_get_bytes_read:
 * @reader: a #ScimCsvReader
 *
 * How far the reader has got in the stream, for progress against the size
 * of the file.  It runs up to a chunk ahead of the records returned.
 *
 * Returns: the bytes read from the stream so far
 */
guint64
scim_csv_reader_get_bytes_read (ScimCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->bytes_read;
}

/**
 * scim_csv_reader_get_buffer_size:
 * @reader: a #ScimCsvReader
 *
 * The most memory the reader's buffers have held at once: the raw chunk,
 * its decoded text and the longest record, not counting the fields handed
 * out.
 *
 * Returns: the peak size of the buffers in bytes
 */
gsize
scim_csv_reader_get_buffer_size (ScimCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->peak;
}

/**
 * scim_csv_reader_free:
 * @reader: (transfer full) (nullable): a #ScimCsvReader
 *
 * Frees @reader and drops its reference on the stream, which stays open.
 */
void
scim_csv_reader_free (ScimCsvReader *reader)
{
  if (reader == NULL)
    return;
  if (reader->converter != (GIConv) -1)
    g_iconv_close (reader->converter);
  g_clear_object (&reader->stream);
  g_free (reader->raw);
  g_string_free (reader->text, TRUE);
  g_string_free (reader->record, TRUE);
  g_clear_error (&reader->failure);
  g_free (reader);
}

/**
 * scim_csv_check_field_count:
 * @line: the line the record starts on
 * @n_fields: how many fields the record has
 * @n_header: how many fields the header has
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the counts match; otherwise %FALSE with
 *   %SCIM_CSV_ERROR_FIELD_COUNT naming the line
 */
gboolean
scim_csv_check_field_count (guint    line,
                            guint    n_fields,
                            guint    n_header,
                            GError **error)
{
  if (n_fields == n_header)
    return TRUE;
  g_set_error (error, SCIM_CSV_ERROR, SCIM_CSV_ERROR_FIELD_COUNT,
               g_dngettext (GETTEXT_PACKAGE,
                            "Line %u has %u field, but the header has %u. Check the delimiters and the quotes on that line.",
                            "Line %u has %u fields, but the header has %u. Check the delimiters and the quotes on that line.",
                            n_fields),
               line, n_fields, n_header);
  return FALSE;
}

/* Values */

/* Reads 1 to @max_digits digits; more digits than that are an error. */
static gboolean
read_number (const char **p,
             guint        max_digits,
             guint       *value,
             guint       *n_digits)
{
  guint n = 0;
  guint v = 0;

  while (g_ascii_isdigit (**p))
    {
      if (++n > max_digits)
        return FALSE;
      v = v * 10 + (guint) (**p - '0');
      (*p)++;
    }
  *value = v;
  *n_digits = n;
  return n > 0;
}

/* "Z", "+03:00", "+0300" or "+03" after a time. */
static GTimeZone *
read_zone (const char *p)
{
  guint hours;
  guint minutes = 0;
  guint n;
  const char *start = p;

  if (g_str_equal (p, "Z"))
    return g_time_zone_new_utc ();
  if (*p != '+' && *p != '-')
    return NULL;
  p++;
  if (!read_number (&p, 2, &hours, &n) || n != 2)
    {
      /* "+0300" is read as four digits. */
      p = start + 1;
      if (!read_number (&p, 4, &hours, &n) || n != 4 || *p != '\0')
        return NULL;
      minutes = hours % 100;
      hours /= 100;
    }
  else if (*p == ':')
    {
      p++;
      if (!read_number (&p, 2, &minutes, &n) || n != 2)
        return NULL;
    }
  if (*p != '\0' || hours > 14 || minutes > 59)
    return NULL;
  return g_time_zone_new_identifier (start);
}

/**
 * scim_csv_parse_date:
 * @text: a date as spreadsheets and other CRMs write it
 * @unix_utc: (out): the time as UTC seconds
 *
 * Reads `27.11.2026`, `27/11/2026` (the day first), `2026-11-27`, each
 * optionally followed by a time `14:30` or `14:30:15` (after a space, or
 * after `T` for the ISO form, which may also end with `Z` or `+03:00`).  A
 * time without a zone is local time; a date alone is local midnight.
 * Dates that do not exist, like 31.02.2026, and years before 1900 are
 * refused.
 *
 * Returns: %TRUE when @text is such a date
 */
gboolean
scim_csv_parse_date (const char *text,
                     gint64     *unix_utc)
{
  g_autofree char *copy = NULL;
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GDateTime) date_time = NULL;
  const char *p;
  guint a, b, c;
  guint len_a, len_b, len_c;
  guint year, month, day;
  guint hour = 0, minute = 0, second = 0;
  char sep;

  g_return_val_if_fail (unix_utc != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  copy = g_strstrip (g_strdup (text));
  p = copy;

  if (!read_number (&p, 4, &a, &len_a))
    return FALSE;
  sep = *p;
  if (sep != '.' && sep != '-' && sep != '/')
    return FALSE;
  p++;
  if (!read_number (&p, 2, &b, &len_b) || *p != sep)
    return FALSE;
  p++;
  if (!read_number (&p, 4, &c, &len_c))
    return FALSE;
  if (sep == '-')
    {
      if (len_a != 4 || len_b != 2 || len_c != 2)
        return FALSE;
      year = a;
      month = b;
      day = c;
    }
  else
    {
      if (len_a > 2 || len_c != 4)
        return FALSE;
      day = a;
      month = b;
      year = c;
    }

  if (*p == ' ' || (*p == 'T' && sep == '-'))
    {
      guint n;

      if (*p == ' ')
        while (*p == ' ')
          p++;
      else
        p++;
      if (!read_number (&p, 2, &hour, &n) || *p != ':')
        return FALSE;
      p++;
      if (!read_number (&p, 2, &minute, &n) || n != 2)
        return FALSE;
      if (*p == ':')
        {
          p++;
          if (!read_number (&p, 2, &second, &n) || n != 2)
            return FALSE;
          /* Exports often carry milliseconds; they do not matter here. */
          if (*p == '.' || *p == ',')
            {
              p++;
              if (!g_ascii_isdigit (*p))
                return FALSE;
              while (g_ascii_isdigit (*p))
                p++;
            }
        }
      if (*p != '\0')
        {
          while (*p == ' ')
            p++;
          zone = read_zone (p);
          if (zone == NULL)
            return FALSE;
          p += strlen (p);
        }
    }
  if (*p != '\0' || year < 1900)
    return FALSE;

  if (zone == NULL)
    zone = scim_local_zone ();
  date_time = g_date_time_new (zone, (int) year, (int) month, (int) day,
                               (int) hour, (int) minute, second);
  if (date_time == NULL)
    return FALSE;
  *unix_utc = g_date_time_to_unix (date_time);
  return TRUE;
}

static const char *
skip_spaces (const char *p)
{
  while (*p != '\0' && g_unichar_isspace (g_utf8_get_char (p)))
    p = g_utf8_next_char (p);
  return p;
}

/* Cuts trailing spaces (any Unicode space) off @text in place. */
static void
cut_spaces (char *text)
{
  char *end = text + strlen (text);

  while (end > text)
    {
      char *prev = g_utf8_find_prev_char (text, end);

      if (prev == NULL || !g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }
  *end = '\0';
}

/* Accepts a minus sign, a hyphen or a plus once. */
static const char *
read_sign (const char *p,
           gboolean   *seen,
           gboolean   *negative)
{
  if (*seen)
    return p;
  if (*p == '-' || *p == '+')
    {
      *seen = TRUE;
      *negative = *p == '-';
      return skip_spaces (p + 1);
    }
  if (g_str_has_prefix (p, "−"))
    {
      *seen = TRUE;
      *negative = TRUE;
      return skip_spaces (p + strlen ("−"));
    }
  return p;
}

/* The currency signs and names that may stand before or after an amount,
 * lower case, longer ones first. */
static const char * const currencies[] = { "₽", "руб.", "руб", "р.", "rub", "rur" };

/* The largest whole amount that may still fit in kopecks. */
#define MAX_WHOLE ((guint64) G_MAXINT64 / 100)

static gboolean
is_group_mark (gunichar c)
{
  return c == ' ' || c == 0x00A0 || c == 0x202F || c == 0x2009 || c == '\'' || c == 0x2019;
}

/**
 * scim_csv_parse_amount:
 * @text: an amount of money as spreadsheets write it
 * @minor_units: (out): the amount in kopecks (cents)
 *
 * Reads `150 000,00`, `150000.00`, `1,5`, `-10,25`, `1.234.567,89` or
 * `1,234,567.89`.  Thousands may be grouped by a space, a no-break space,
 * a narrow no-break space or an apostrophe, or by `.` or `,` when the other
 * one is the decimal separator or the same mark repeats.  A lone `,` or `.`
 * is always the decimal separator, so `1.234` (three decimals) is refused
 * rather than read as a thousand.  A ruble sign or name (`₽`, `руб.`, `р.`,
 * `RUB`) before or after the number is ignored.
 *
 * Returns: %TRUE when @text is such an amount
 */
gboolean
scim_csv_parse_amount (const char *text,
                       gint64     *minor_units)
{
  g_autofree char *lower = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  const char *p;
  gboolean sign_seen = FALSE;
  gboolean negative = FALSE;
  char thousands = '\0';
  gssize decimal = -1;
  guint n_commas = 0, n_dots = 0;
  guint64 whole = 0;
  guint64 cents = 0;
  guint group_len = 0;
  gboolean grouped = FALSE;
  gsize int_end;

  g_return_val_if_fail (minor_units != NULL, FALSE);

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  lower = g_utf8_strdown (text, -1);
  cut_spaces (lower);
  p = skip_spaces (lower);
  p = read_sign (p, &sign_seen, &negative);
  for (guint i = 0; i < G_N_ELEMENTS (currencies); i++)
    if (g_str_has_prefix (p, currencies[i]))
      {
        p = skip_spaces (p + strlen (currencies[i]));
        break;
      }
  p = read_sign (p, &sign_seen, &negative);

  /* Reduce the number to ASCII: digits, ',' '.', and ' ' for group marks. */
  for (; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_ascii_isdigit (*p) || *p == ',' || *p == '.')
        g_string_append_c (body, *p);
      else if (is_group_mark (c))
        g_string_append_c (body, ' ');
      else
        {
          /* The rest must be a currency. */
          gboolean known = FALSE;

          for (guint i = 0; i < G_N_ELEMENTS (currencies); i++)
            if (g_str_equal (p, currencies[i]))
              known = TRUE;
          if (!known)
            return FALSE;
          break;
        }
    }

  /* Spaces before a currency were taken for group marks. */
  while (body->len > 0 && body->str[body->len - 1] == ' ')
    g_string_truncate (body, body->len - 1);
  if (body->len == 0)
    return FALSE;

  for (gsize i = 0; i < body->len; i++)
    {
      if (body->str[i] == ',')
        n_commas++;
      else if (body->str[i] == '.')
        n_dots++;
    }
  if (n_commas + n_dots == 1)
    decimal = (gssize) strcspn (body->str, ",.");
  else if (n_commas + n_dots > 1)
    {
      const char *last_comma = strrchr (body->str, ',');
      const char *last_dot = strrchr (body->str, '.');
      const char *last = last_comma == NULL ? last_dot
                         : last_dot == NULL ? last_comma
                         : MAX (last_comma, last_dot);

      /* One mark repeated groups thousands; two different ones are
       * thousands and then, once, the decimal separator. */
      if (n_commas == 0 || n_dots == 0)
        thousands = *last;
      else if ((*last == ',' && n_commas == 1) || (*last == '.' && n_dots == 1))
        {
          thousands = *last == ',' ? '.' : ',';
          decimal = last - body->str;
        }
      else
        return FALSE;
    }

  /* The whole part: digits, in groups of three after the first group. */
  int_end = decimal >= 0 ? (gsize) decimal : body->len;
  for (gsize i = 0; i < int_end; i++)
    {
      char c = body->str[i];

      if (g_ascii_isdigit (c))
        {
          guint digit = (guint) (c - '0');

          if (whole > (MAX_WHOLE - digit) / 10)
            return FALSE;
          whole = whole * 10 + digit;
          group_len++;
        }
      else if (c == ' ' || c == thousands)
        {
          if (group_len == 0 || group_len > 3 || (grouped && group_len != 3))
            return FALSE;
          grouped = TRUE;
          group_len = 0;
        }
      else
        return FALSE;
    }
  if (group_len == 0 || (grouped && group_len != 3))
    return FALSE;

  if (decimal >= 0)
    {
      const char *frac = body->str + decimal + 1;
      gsize len = strlen (frac);

      /* More than two decimals would have to be rounded; refuse them. */
      if (len == 0 || len > 2 || strspn (frac, "0123456789") != len)
        return FALSE;
      cents = (guint64) (frac[0] - '0') * 10 + (len == 2 ? (guint64) (frac[1] - '0') : 0);
    }

  if (whole * 100 + cents > (guint64) G_MAXINT64)
    return FALSE;
  *minor_units = (gint64) (whole * 100 + cents);
  if (negative)
    *minor_units = -*minor_units;
  return TRUE;
}

/**
 * scim_csv_normalize_phone:
 * @text: a phone number as written
 *
 * Keeps the digits only, so the same number written differently compares
 * equal.  A Russian number with the trunk prefix, `8 900 123-45-67`, and
 * one of ten digits without the country code, `900 123-45-67`, become
 * `79001234567`, as `+7 (900) 123-45-67` does.
 *
 * Returns: (transfer full): the digits, or an empty string when there are
 *   fewer than five
 */
char *
scim_csv_normalize_phone (const char *text)
{
  GString *digits = g_string_new (NULL);

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);

  if (digits->len < 5)
    g_string_truncate (digits, 0);
  else if (digits->len == 11 && digits->str[0] == '8')
    digits->str[0] = '7';
  else if (digits->len == 10)
    g_string_prepend_c (digits, '7');
  return g_string_free (digits, FALSE);
}

/**
 * scim_csv_normalize_email:
 * @text: an e-mail address as written
 *
 * Returns: (transfer full): the address without surrounding spaces and in
 *   lower case, or an empty string when it has no `@`
 */
char *
scim_csv_normalize_email (const char *text)
{
  g_autofree char *lower = NULL;
  const char *start;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_strdup ("");
  lower = g_utf8_strdown (text, -1);
  cut_spaces (lower);
  start = skip_spaces (lower);
  if (g_str_has_prefix (start, "mailto:"))
    start += strlen ("mailto:");
  if (strchr (start, '@') == NULL)
    return g_strdup ("");
  return g_strdup (start);
}
