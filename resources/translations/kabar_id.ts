<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="id_ID">
<context>
    <name>Actions</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Berkas</translation>
    </message>
    <message>
        <source>&amp;Entry</source>
        <translation>&amp;Isian</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Tampilan</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>Ba&amp;hasa</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>B&amp;antuan</translation>
    </message>
    <message>
        <source>&amp;Save draft</source>
        <translation>&amp;Simpan draf</translation>
    </message>
    <message>
        <source>Mark &amp;complete</source>
        <translation>Tandai &amp;lengkap</translation>
    </message>
    <message>
        <source>&amp;Previous day</source>
        <translation>Hari se&amp;belumnya</translation>
    </message>
    <message>
        <source>&amp;Next day</source>
        <translation>Hari be&amp;rikutnya</translation>
    </message>
    <message>
        <source>&amp;Today</source>
        <translation>Hari &amp;ini</translation>
    </message>
    <message>
        <source>Copy from &amp;yesterday (this field)</source>
        <translation>Salin dari &amp;kemarin (kolom ini)</translation>
    </message>
    <message>
        <source>Copy &amp;all stock fields from yesterday</source>
        <translation>Salin semu&amp;a kolom stok dari kemarin</translation>
    </message>
    <message>
        <source>Cell &amp;history…</source>
        <translation>&amp;Riwayat sel…</translation>
    </message>
    <message>
        <source>&amp;30-day table…</source>
        <translation>Tabel &amp;30 hari…</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Ekspor…</translation>
    </message>
    <message>
        <source>Change &amp;facility or officer…</source>
        <translation>Ganti &amp;fasilitas atau petugas…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Keluar</translation>
    </message>
    <message>
        <source>&amp;Keyboard keys</source>
        <translation>Tombol &amp;keyboard</translation>
    </message>
</context>
<context>
    <name>CellHistoryDialog</name>
    <message>
        <source>Cell history</source>
        <translation>Riwayat sel</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Waktu</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Oleh</translation>
    </message>
    <message>
        <source>Old</source>
        <translation>Lama</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Baru</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Tindakan</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Memuat…</translation>
    </message>
    <message>
        <source>reopened</source>
        <translation>dibuka kembali</translation>
    </message>
    <message>
        <source>entered</source>
        <translation>diisi</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>diubah</translation>
    </message>
    <message>
        <source>Computer: %1</source>
        <translation>Komputer: %1</translation>
    </message>
    <message>
        <source>cleared</source>
        <translation>dikosongkan</translation>
    </message>
    <message>
        <source>marked complete</source>
        <translation>ditandai lengkap</translation>
    </message>
    <message>
        <source>This figure has not been entered yet.</source>
        <translation>Angka ini belum pernah diisi.</translation>
    </message>
</context>
<context>
    <name>ComboEdit</name>
    <message>
        <source>Cell history…</source>
        <translation>Riwayat sel…</translation>
    </message>
</context>
<context>
    <name>DamagedDialog</name>
    <message>
        <source>Kabar — data file damaged</source>
        <translation>Kabar — berkas data rusak</translation>
    </message>
    <message>
        <source>Restore latest backup</source>
        <translation>Pulihkan cadangan terakhir</translation>
    </message>
    <message>
        <source>Start with empty data</source>
        <translation>Mulai dengan data kosong</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Keluar</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <source>Export to folder</source>
        <translation>Ekspor ke folder</translation>
    </message>
</context>
<context>
    <name>FieldEdit</name>
    <message>
        <source>↓ Yesterday</source>
        <translation>↓ Kemarin</translation>
    </message>
    <message>
        <source>Copy from yesterday (Ctrl+D)</source>
        <translation>Salin dari kemarin (Ctrl+D)</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Ya</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Tidak</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Kabar — facility and officer</source>
        <translation>Kabar — fasilitas dan petugas</translation>
    </message>
    <message>
        <source>Choose your puskesmas and type your name. Both are saved on this computer and can be changed later from the File menu.</source>
        <translation>Pilih puskesmas Anda dan ketik nama Anda. Keduanya disimpan di komputer ini dan dapat diganti nanti lewat menu Berkas.</translation>
    </message>
    <message>
        <source>Type to filter, e.g. Sangatta</source>
        <translation>Ketik untuk menyaring, mis. Sangatta</translation>
    </message>
    <message>
        <source>Region / facility</source>
        <translation>Wilayah / fasilitas</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Kode</translation>
    </message>
    <message>
        <source>&amp;Officer&apos;s name:</source>
        <translation>&amp;Nama petugas:</translation>
    </message>
    <message>
        <source>Choose a puskesmas in the list.</source>
        <translation>Pilih puskesmas di daftar.</translation>
    </message>
    <message>
        <source>Type the officer&apos;s name.</source>
        <translation>Ketik nama petugas.</translation>
    </message>
</context>
<context>
    <name>IssueRow</name>
    <message>
        <source>I have checked this</source>
        <translation>Sudah saya periksa</translation>
    </message>
</context>
<context>
    <name>Legend</name>
    <message>
        <source>empty</source>
        <translation>kosong</translation>
    </message>
    <message>
        <source>draft</source>
        <translation>draf</translation>
    </message>
    <message>
        <source>complete</source>
        <translation>lengkap</translation>
    </message>
</context>
<context>
    <name>LineEdit</name>
    <message>
        <source>Cell history…</source>
        <translation>Riwayat sel…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Future dates cannot be filled in. Choose today or earlier.</source>
        <translation>Tanggal yang akan datang tidak bisa diisi. Pilih hari ini atau sebelumnya.</translation>
    </message>
    <message>
        <source>Changes for %1 were saved as a draft.</source>
        <translation>Perubahan untuk %1 disimpan sebagai draf.</translation>
    </message>
    <message>
        <source>Put the cursor in a stock field first.</source>
        <translation>Letakkan kursor di kolom stok dulu.</translation>
    </message>
    <message>
        <source>%1 is not a stock field.</source>
        <translation>%1 bukan kolom stok.</translation>
    </message>
    <message>
        <source>No value from yesterday for %1.</source>
        <translation>Tidak ada nilai kemarin untuk %1.</translation>
    </message>
    <message>
        <source>Copied from yesterday: %1</source>
        <translation>Disalin dari kemarin: %1</translation>
    </message>
    <message>
        <source>Copied %1 stock fields from yesterday.</source>
        <translation>%1 kolom stok disalin dari kemarin.</translation>
    </message>
    <message>
        <source>Not saved because of a typing error: %1</source>
        <translation>Tidak disimpan karena salah ketik: %1</translation>
    </message>
    <message>
        <source>Nothing to save: no changes.</source>
        <translation>Tidak ada yang perlu disimpan: belum ada perubahan.</translation>
    </message>
    <message>
        <source>%1 marked complete.</source>
        <translation>%1 ditandai lengkap.</translation>
    </message>
    <message>
        <source>Cannot mark complete yet: fix %1 error(s) first.</source>
        <translation>Belum bisa ditandai lengkap: perbaiki dulu %1 kesalahan.</translation>
    </message>
    <message>
        <source>Cannot mark complete yet: tick &quot;I have checked this&quot; for %1 warning(s).</source>
        <translation>Belum bisa ditandai lengkap: centang &quot;Sudah saya periksa&quot; pada %1 peringatan.</translation>
    </message>
    <message>
        <source>Put the cursor in a field first.</source>
        <translation>Letakkan kursor di sebuah kolom dulu.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Mengekspor…</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Diekspor ke %1</translation>
    </message>
    <message>
        <source>Keyboard keys</source>
        <translation>Tombol keyboard</translation>
    </message>
    <message>
        <source>Tab / Enter: next field
Shift+Tab: previous field
Ctrl+S: save draft
Ctrl+Enter: mark complete
PgUp / PgDn: previous / next day
Ctrl+Home: today
Ctrl+D: copy this stock field from yesterday
Ctrl+Shift+D: copy all stock fields from yesterday
F2: cell history
Ctrl+T: 30-day table
Ctrl+E: export</source>
        <translation>Tab / Enter: kolom berikutnya
Shift+Tab: kolom sebelumnya
Ctrl+S: simpan draf
Ctrl+Enter: tandai lengkap
PgUp / PgDn: hari sebelumnya / berikutnya
Ctrl+Home: hari ini
Ctrl+D: salin kolom stok ini dari kemarin
Ctrl+Shift+D: salin semua kolom stok dari kemarin
F2: riwayat sel
Ctrl+T: tabel 30 hari
Ctrl+E: ekspor</translation>
    </message>
    <message>
        <source>Unexpected error (please report it): %1</source>
        <translation>Kesalahan tak terduga (mohon laporkan): %1</translation>
    </message>
    <message>
        <source>Kabar</source>
        <translation>Kabar</translation>
    </message>
    <message>
        <source>Kabar — %1</source>
        <translation>Kabar — %1</translation>
    </message>
    <message>
        <source>Officer: %1</source>
        <translation>Petugas: %1</translation>
    </message>
    <message>
        <source>Save draft (Ctrl+S)</source>
        <translation>Simpan draf (Ctrl+S)</translation>
    </message>
    <message>
        <source>Mark complete (Ctrl+Enter)</source>
        <translation>Tandai lengkap (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Memuat…</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>kosong</translation>
    </message>
    <message>
        <source>draft</source>
        <translation>draf</translation>
    </message>
    <message>
        <source>complete</source>
        <translation>lengkap</translation>
    </message>
    <message>
        <source>Complete</source>
        <translation>Lengkap</translation>
    </message>
    <message>
        <source>Saving before closing…</source>
        <translation>Menyimpan sebelum menutup…</translation>
    </message>
</context>
<context>
    <name>SeriesDialog</name>
    <message>
        <source>30-day table</source>
        <translation>Tabel 30 hari</translation>
    </message>
    <message>
        <source>30 days up to %1</source>
        <translation>30 hari sampai %1</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Tanggal</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Nilai</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Saved %1</source>
        <translation>Tersimpan %1</translation>
    </message>
    <message>
        <source>Not saved yet</source>
        <translation>Belum disimpan</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Menyimpan…</translation>
    </message>
    <message>
        <source>%1 not sent yet</source>
        <translation>%1 belum terkirim</translation>
    </message>
</context>
<context>
    <name>SummaryPanel</name>
    <message>
        <source>No errors or warnings</source>
        <translation>Tidak ada kesalahan atau peringatan</translation>
    </message>
    <message>
        <source>Errors: %1 · Warnings: %2</source>
        <translation>Kesalahan: %1 · Peringatan: %2</translation>
    </message>
</context>
</TS>
