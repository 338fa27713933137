<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="id_ID">
<context>
    <name>Actions</name>
    <message>
        <location filename="../../desktop/actions.py" line="72"/>
        <source>&amp;File</source>
        <translation>&amp;Berkas</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="73"/>
        <source>&amp;Entry</source>
        <translation>&amp;Isian</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="74"/>
        <source>&amp;View</source>
        <translation>&amp;Tampilan</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="75"/>
        <source>&amp;Language</source>
        <translation>Ba&amp;hasa</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="76"/>
        <source>&amp;Help</source>
        <translation>B&amp;antuan</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="77"/>
        <source>&amp;Save draft</source>
        <translation>&amp;Simpan draf</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="78"/>
        <source>Mark &amp;complete</source>
        <translation>Tandai &amp;lengkap</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="79"/>
        <source>&amp;Previous day</source>
        <translation>Hari se&amp;belumnya</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="80"/>
        <source>&amp;Next day</source>
        <translation>Hari be&amp;rikutnya</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="81"/>
        <source>&amp;Today</source>
        <translation>Hari &amp;ini</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="82"/>
        <source>Copy from &amp;yesterday (this field)</source>
        <translation>Salin dari &amp;kemarin (kolom ini)</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="83"/>
        <source>Copy &amp;all stock fields from yesterday</source>
        <translation>Salin semu&amp;a kolom stok dari kemarin</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="84"/>
        <source>Cell &amp;history…</source>
        <translation>&amp;Riwayat sel…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="85"/>
        <source>&amp;30-day table…</source>
        <translation>Tabel &amp;30 hari…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="86"/>
        <source>&amp;Export…</source>
        <translation>&amp;Ekspor…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="87"/>
        <source>Change &amp;facility or officer…</source>
        <translation>Ganti &amp;fasilitas atau petugas…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="88"/>
        <source>&amp;Quit</source>
        <translation>&amp;Keluar</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="92"/>
        <source>&amp;Keyboard keys</source>
        <translation>Tombol &amp;keyboard</translation>
    </message>
</context>
<context>
    <name>CellHistoryDialog</name>
    <message>
        <location filename="../../desktop/history.py" line="41"/>
        <source>Cell history</source>
        <translation>Riwayat sel</translation>
    </message>
    <message>
        <location filename="../../desktop/history.py" line="47"/>
        <source>When</source>
        <translation>Waktu</translation>
    </message>
    <message>
        <location filename="../../desktop/history.py" line="47"/>
        <source>Who</source>
        <translation>Oleh</translation>
    </message>
    <message>
        <location filename="../../desktop/history.py" line="47"/>
        <source>Old</source>
        <translation>Lama</translation>
    </message>
    <message>
        <location filename="../../desktop/history.py" line="47"/>
        <source>New</source>
        <translation>Baru</translation>
    </message>
    <message>
        <location filename="../../desktop/history.py" line="47"/>
        <source>Action</source>
        <translation>Tindakan</translation>
    </message>
    <message>
        <location filename="../../desktop/history.py" line="52"/>
        <source>Loading…</source>
        <translation>Memuat…</translation>
    </message>
    <message>
        <location filename="../../desktop/history.py" line="65"/>
        <source>reopened</source>
        <translation>dibuka kembali</translation>
    </message>
    <message>
        <location filename="../../desktop/history.py" line="67"/>
        <source>entered</source>
        <translation>diisi</translation>
    </message>
    <message>
        <location filename="../../desktop/history.py" line="70"/>
        <source>changed</source>
        <translation>diubah</translation>
    </message>
    <message>
        <location filename="../../desktop/history.py" line="85"/>
        <source>Computer: %1</source>
        <translation>Komputer: %1</translation>
    </message>
    <message>
        <location filename="../../desktop/history.py" line="69"/>
        <source>cleared</source>
        <translation>dikosongkan</translation>
    </message>
    <message>
        <location filename="../../desktop/history.py" line="63"/>
        <source>marked complete</source>
        <translation>ditandai lengkap</translation>
    </message>
    <message>
        <location filename="../../desktop/history.py" line="87"/>
        <source>This figure has not been entered yet.</source>
        <translation>Angka ini belum pernah diisi.</translation>
    </message>
</context>
<context>
    <name>ComboEdit</name>
    <message>
        <location filename="../../desktop/fieldedit.py" line="57"/>
        <source>Cell history…</source>
        <translation>Riwayat sel…</translation>
    </message>
</context>
<context>
    <name>DamagedDialog</name>
    <message>
        <location filename="../../desktop/damaged.py" line="24"/>
        <source>Kabar — data file damaged</source>
        <translation>Kabar — berkas data rusak</translation>
    </message>
    <message>
        <location filename="../../desktop/damaged.py" line="29"/>
        <source>Restore latest backup</source>
        <translation>Pulihkan cadangan terakhir</translation>
    </message>
    <message>
        <location filename="../../desktop/damaged.py" line="31"/>
        <source>Start with empty data</source>
        <translation>Mulai dengan data kosong</translation>
    </message>
    <message>
        <location filename="../../desktop/damaged.py" line="32"/>
        <source>Quit</source>
        <translation>Keluar</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <location filename="../../desktop/export.py" line="30"/>
        <source>Export to folder</source>
        <translation>Ekspor ke folder</translation>
    </message>
</context>
<context>
    <name>FieldEdit</name>
    <message>
        <location filename="../../desktop/fieldedit.py" line="129"/>
        <source>↓ Yesterday</source>
        <translation>↓ Kemarin</translation>
    </message>
    <message>
        <location filename="../../desktop/fieldedit.py" line="130"/>
        <source>Copy from yesterday (Ctrl+D)</source>
        <translation>Salin dari kemarin (Ctrl+D)</translation>
    </message>
    <message>
        <location filename="../../desktop/fieldedit.py" line="145"/>
        <source>Yes</source>
        <translation>Ya</translation>
    </message>
    <message>
        <location filename="../../desktop/fieldedit.py" line="146"/>
        <source>No</source>
        <translation>Tidak</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location filename="../../desktop/firstrun.py" line="35"/>
        <source>Kabar — facility and officer</source>
        <translation>Kabar — fasilitas dan petugas</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="39"/>
        <source>Choose your puskesmas and type your name. Both are saved on this computer and can be changed later from the File menu.</source>
        <translation>Pilih puskesmas Anda dan ketik nama Anda. Keduanya disimpan di komputer ini dan dapat diganti nanti lewat menu Berkas.</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="47"/>
        <source>Type to filter, e.g. Sangatta</source>
        <translation>Ketik untuk menyaring, mis. Sangatta</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="51"/>
        <source>Region / facility</source>
        <translation>Wilayah / fasilitas</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="51"/>
        <source>Code</source>
        <translation>Kode</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="53"/>
        <source>&amp;Officer&apos;s name:</source>
        <translation>&amp;Nama petugas:</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="142"/>
        <source>Choose a puskesmas in the list.</source>
        <translation>Pilih puskesmas di daftar.</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="144"/>
        <source>Type the officer&apos;s name.</source>
        <translation>Ketik nama petugas.</translation>
    </message>
</context>
<context>
    <name>IssueRow</name>
    <message>
        <location filename="../../desktop/summary.py" line="52"/>
        <source>I have checked this</source>
        <translation>Sudah saya periksa</translation>
    </message>
</context>
<context>
    <name>Legend</name>
    <message>
        <location filename="../../desktop/calendar.py" line="120"/>
        <source>empty</source>
        <translation>kosong</translation>
    </message>
    <message>
        <location filename="../../desktop/calendar.py" line="121"/>
        <source>draft</source>
        <translation>draf</translation>
    </message>
    <message>
        <location filename="../../desktop/calendar.py" line="122"/>
        <source>complete</source>
        <translation>lengkap</translation>
    </message>
</context>
<context>
    <name>LineEdit</name>
    <message>
        <location filename="../../desktop/fieldedit.py" line="42"/>
        <source>Cell history…</source>
        <translation>Riwayat sel…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/mainwindow.py" line="223"/>
        <source>Future dates cannot be filled in. Choose today or earlier.</source>
        <translation>Tanggal yang akan datang tidak bisa diisi. Pilih hari ini atau sebelumnya.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="231"/>
        <source>Changes for %1 were saved as a draft.</source>
        <translation>Perubahan untuk %1 disimpan sebagai draf.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="326"/>
        <source>Put the cursor in a stock field first.</source>
        <translation>Letakkan kursor di kolom stok dulu.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="331"/>
        <source>%1 is not a stock field.</source>
        <translation>%1 bukan kolom stok.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="336"/>
        <source>No value from yesterday for %1.</source>
        <translation>Tidak ada nilai kemarin untuk %1.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="339"/>
        <source>Copied from yesterday: %1</source>
        <translation>Disalin dari kemarin: %1</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="350"/>
        <source>Copied %1 stock fields from yesterday.</source>
        <translation>%1 kolom stok disalin dari kemarin.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="371"/>
        <source>Not saved because of a typing error: %1</source>
        <translation>Tidak disimpan karena salah ketik: %1</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="375"/>
        <source>Nothing to save: no changes.</source>
        <translation>Tidak ada yang perlu disimpan: belum ada perubahan.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="398"/>
        <source>%1 marked complete.</source>
        <translation>%1 ditandai lengkap.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="420"/>
        <source>Cannot mark complete yet: fix %1 error(s) first.</source>
        <translation>Belum bisa ditandai lengkap: perbaiki dulu %1 kesalahan.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="431"/>
        <source>Cannot mark complete yet: tick &quot;I have checked this&quot; for %1 warning(s).</source>
        <translation>Belum bisa ditandai lengkap: centang &quot;Sudah saya periksa&quot; pada %1 peringatan.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="447"/>
        <source>Put the cursor in a field first.</source>
        <translation>Letakkan kursor di sebuah kolom dulu.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="484"/>
        <source>Exporting…</source>
        <translation>Mengekspor…</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="488"/>
        <source>Exported to %1</source>
        <translation>Diekspor ke %1</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="517"/>
        <source>Keyboard keys</source>
        <translation>Tombol keyboard</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="524"/>
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
        <location filename="../../desktop/mainwindow.py" line="544"/>
        <source>Unexpected error (please report it): %1</source>
        <translation>Kesalahan tak terduga (mohon laporkan): %1</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="546"/>
        <source>Kabar</source>
        <translation>Kabar</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="580"/>
        <source>Kabar — %1</source>
        <translation>Kabar — %1</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="581"/>
        <source>Officer: %1</source>
        <translation>Petugas: %1</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="582"/>
        <source>Save draft (Ctrl+S)</source>
        <translation>Simpan draf (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="583"/>
        <source>Mark complete (Ctrl+Enter)</source>
        <translation>Tandai lengkap (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="589"/>
        <source>Loading…</source>
        <translation>Memuat…</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="592"/>
        <source>empty</source>
        <translation>kosong</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="593"/>
        <source>draft</source>
        <translation>draf</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="594"/>
        <source>complete</source>
        <translation>lengkap</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="603"/>
        <source>Complete</source>
        <translation>Lengkap</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="616"/>
        <source>Saving before closing…</source>
        <translation>Menyimpan sebelum menutup…</translation>
    </message>
</context>
<context>
    <name>SeriesDialog</name>
    <message>
        <location filename="../../desktop/series.py" line="47"/>
        <source>30-day table</source>
        <translation>Tabel 30 hari</translation>
    </message>
    <message>
        <location filename="../../desktop/series.py" line="56"/>
        <source>30 days up to %1</source>
        <translation>30 hari sampai %1</translation>
    </message>
    <message>
        <location filename="../../desktop/series.py" line="58"/>
        <source>Date</source>
        <translation>Tanggal</translation>
    </message>
    <message>
        <location filename="../../desktop/series.py" line="58"/>
        <source>Value</source>
        <translation>Nilai</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../../desktop/statusbar.py" line="57"/>
        <source>Saved %1</source>
        <translation>Tersimpan %1</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="59"/>
        <source>Not saved yet</source>
        <translation>Belum disimpan</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="61"/>
        <source>Saving…</source>
        <translation>Menyimpan…</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="64"/>
        <source>%1 not sent yet</source>
        <translation>%1 belum terkirim</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="66"/>
        <source>Server: %1</source>
        <translation>Server: %1</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="68"/>
        <source>No server set</source>
        <translation>Server belum diatur</translation>
    </message>
</context>
<context>
    <name>SummaryPanel</name>
    <message>
        <location filename="../../desktop/summary.py" line="151"/>
        <source>No errors or warnings</source>
        <translation>Tidak ada kesalahan atau peringatan</translation>
    </message>
    <message>
        <location filename="../../desktop/summary.py" line="153"/>
        <source>Errors: %1 · Warnings: %2</source>
        <translation>Kesalahan: %1 · Peringatan: %2</translation>
    </message>
</context>
</TS>
