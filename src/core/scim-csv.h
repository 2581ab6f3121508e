/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SCIM_CSV_ERROR (scim_csv_error_quark ())

/* The longest record the reader accepts by default: 1 MiB of text. */
#define SCIM_CSV_DEFAULT_MAX_RECORD (1024 * 1024)
/* How much the reader reads at a time by default; detection looks at the first chunk. */
#define SCIM_CSV_DEFAULT_CHUNK_SIZE (64 * 1024)

/**
 * ScimCsvError:
 * @SCIM_CSV_ERROR_FAILED: anything else; the message says what
 * @SCIM_CSV_ERROR_EMPTY: the file has no text at all
 * @SCIM_CSV_ERROR_BINARY: the file is not text (a NUL byte, mostly control characters)
 * @SCIM_CSV_ERROR_ENCODING: the encoding cannot be told, or the text is not valid in it
 * @SCIM_CSV_ERROR_UNCLOSED_QUOTE: a quoted field runs to the end of the file
 * @SCIM_CSV_ERROR_BAD_QUOTE: text follows a closing quote; the reader skips the rest
 *   of that line, so scim_csv_reader_next() may be called again to go on
 * @SCIM_CSV_ERROR_TOO_LONG: a field or a record is longer than the limit
 * @SCIM_CSV_ERROR_FIELD_COUNT: a record has another number of fields than the header
 *   (only from scim_csv_check_field_count())
 *
 * Every error but %SCIM_CSV_ERROR_BAD_QUOTE ends the reading: later calls to
 * scim_csv_reader_next() fail with the same error.
 */
typedef enum
{
  SCIM_CSV_ERROR_FAILED,
  SCIM_CSV_ERROR_EMPTY,
  SCIM_CSV_ERROR_BINARY,
  SCIM_CSV_ERROR_ENCODING,
  SCIM_CSV_ERROR_UNCLOSED_QUOTE,
  SCIM_CSV_ERROR_BAD_QUOTE,
  SCIM_CSV_ERROR_TOO_LONG,
  SCIM_CSV_ERROR_FIELD_COUNT,
} ScimCsvError;

/**
 * ScimCsvEncoding:
 * @SCIM_CSV_ENCODING_AUTO: detect from the byte order mark and the first chunk
 * @SCIM_CSV_ENCODING_UTF8: UTF-8, with or without a byte order mark
 * @SCIM_CSV_ENCODING_WINDOWS_1251: the Cyrillic code page of Russian Windows
 * @SCIM_CSV_ENCODING_UTF16LE: UTF-16, little endian (Excel's "Unicode text")
 * @SCIM_CSV_ENCODING_UTF16BE: UTF-16, big endian
 */
typedef enum
{
  SCIM_CSV_ENCODING_AUTO,
  SCIM_CSV_ENCODING_UTF8,
  SCIM_CSV_ENCODING_WINDOWS_1251,
  SCIM_CSV_ENCODING_UTF16LE,
  SCIM_CSV_ENCODING_UTF16BE,
} ScimCsvEncoding;

/**
 * ScimCsvOptions:
 * @encoding: the encoding, or %SCIM_CSV_ENCODING_AUTO to detect it; a byte
 *   order mark in the file always wins
 * @delimiter: `,`, `;` or `\t`, or `\0` to detect it
 * @has_bom: set by scim_csv_sniff(); the reader looks for a byte order mark itself
 * @max_record: the longest record in bytes of UTF-8, or 0 for
 *   %SCIM_CSV_DEFAULT_MAX_RECORD
 * @chunk_size: bytes read at a time, or 0 for %SCIM_CSV_DEFAULT_CHUNK_SIZE;
 *   tests make it small to split multibyte characters and line ends
 *
 * Zero-initialise it (`ScimCsvOptions options = { 0 };`) to detect everything.
 */
typedef struct
{
  ScimCsvEncoding encoding;
  char            delimiter;
  gboolean        has_bom;
  gsize           max_record;
  gsize           chunk_size;
} ScimCsvOptions;

typedef struct _ScimCsvReader ScimCsvReader;

GQuark          scim_csv_error_quark              (void);

const char     *scim_csv_encoding_get_name        (ScimCsvEncoding        encoding);

gboolean        scim_csv_sniff                    (const char            *buf,
                                                   gsize                  len,
                                                   ScimCsvOptions        *options,
                                                   GError               **error);

ScimCsvReader  *scim_csv_reader_new               (GInputStream          *stream,
                                                   const ScimCsvOptions  *options,
                                                   GCancellable          *cancellable,
                                                   GError               **error);
gboolean        scim_csv_reader_next              (ScimCsvReader         *reader,
                                                   GPtrArray            **fields,
                                                   guint                 *line,
                                                   GCancellable          *cancellable,
                                                   GError               **error);
ScimCsvEncoding scim_csv_reader_get_encoding      (ScimCsvReader         *reader);
const char     *scim_csv_reader_get_encoding_name (ScimCsvReader         *reader);
char            scim_csv_reader_get_delimiter     (ScimCsvReader         *reader);
gboolean        scim_csv_reader_get_had_bom       (ScimCsvReader         *reader);
guint64         scim_csv_reader_get_bytes_read    (ScimCsvReader         *reader);
gsize           scim_csv_reader_get_buffer_size   (ScimCsvReader         *reader);
void            scim_csv_reader_free              (ScimCsvReader         *reader);

gboolean        scim_csv_check_field_count        (guint                  line,
                                                   guint                  n_fields,
                                                   guint                  n_header,
                                                   GError               **error);

gboolean        scim_csv_parse_date               (const char            *text,
                                                   gint64                *unix_utc);
gboolean        scim_csv_parse_amount             (const char            *text,
                                                   gint64                *minor_units);
char           *scim_csv_normalize_phone          (const char            *text);
char           *scim_csv_normalize_email          (const char            *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScimCsvReader, scim_csv_reader_free)

G_END_DECLS
