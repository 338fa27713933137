<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="id_ID">
<context>
    <name>Actions</name>
    <message>
        <location filename="../../desktop/actions.py" line="85"/>
        <source>&amp;File</source>
        <translation>&amp;Berkas</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="86"/>
        <source>&amp;Entry</source>
        <translation>&amp;Isian</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="87"/>
        <source>&amp;View</source>
        <translation>&amp;Tampilan</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="88"/>
        <source>&amp;Sync</source>
        <translation>&amp;Sinkronisasi</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="89"/>
        <source>&amp;Language</source>
        <translation>Ba&amp;hasa</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="90"/>
        <source>&amp;Help</source>
        <translation>B&amp;antuan</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="91"/>
        <source>&amp;Save draft</source>
        <translation>&amp;Simpan draf</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="92"/>
        <source>Mark &amp;complete</source>
        <translation>Tandai &amp;lengkap</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="93"/>
        <source>&amp;Previous day</source>
        <translation>Hari se&amp;belumnya</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="94"/>
        <source>&amp;Next day</source>
        <translation>Hari be&amp;rikutnya</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="95"/>
        <source>&amp;Today</source>
        <translation>Hari &amp;ini</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="96"/>
        <source>Copy from &amp;yesterday (this field)</source>
        <translation>Salin dari &amp;kemarin (kolom ini)</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="97"/>
        <source>Copy &amp;all stock fields from yesterday</source>
        <translation>Salin semu&amp;a kolom stok dari kemarin</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="98"/>
        <source>Cell &amp;history…</source>
        <translation>&amp;Riwayat sel…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="99"/>
        <source>&amp;30-day table…</source>
        <translation>Tabel &amp;30 hari…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="100"/>
        <source>&amp;Export…</source>
        <translation>&amp;Ekspor…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="101"/>
        <source>Change &amp;facility or officer…</source>
        <translation>Ganti &amp;fasilitas atau petugas…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="102"/>
        <source>&amp;Quit</source>
        <translation>&amp;Keluar</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="106"/>
        <source>&amp;Keyboard keys</source>
        <translation>Tombol &amp;keyboard</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="107"/>
        <source>Export &amp;diagnostics…</source>
        <translation>Ekspor &amp;diagnostik…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="108"/>
        <source>&amp;Log in to the server…</source>
        <translation>&amp;Masuk ke server…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="109"/>
        <source>Sync &amp;now</source>
        <translation>Sinkronkan &amp;sekarang</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="116"/>
        <source>&amp;Conflicts (%1), refused (%2)…</source>
        <translation>&amp;Konflik (%1), ditolak (%2)…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="118"/>
        <source>&amp;Conflicts (%1)…</source>
        <translation>&amp;Konflik (%1)…</translation>
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
    <name>ConflictDialog</name>
    <message>
        <location filename="../../desktop/conflicts.py" line="352"/>
        <source>Type the value to keep first.</source>
        <extracomment>form id -&gt; its definition (None when this computer does not know it) org unit code -&gt; its name</extracomment>
        <translation>Ketik dulu nilai yang mau dipakai.</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="359"/>
        <source>Saving your choice…</source>
        <translation>Menyimpan pilihan Anda…</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="435"/>
        <location filename="../../desktop/conflicts.py" line="487"/>
        <location filename="../../desktop/conflicts.py" line="602"/>
        <source>&amp;Another value:</source>
        <translation>Nilai &amp;lain:</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="472"/>
        <source>%1, %2. Someone else changed this figure on the server before your change arrived. Nothing was overwritten: choose the value that is right.</source>
        <translation>%1, %2. Orang lain sudah mengubah angka ini di server sebelum perubahan Anda sampai. Tidak ada yang ditimpa: pilih nilai yang benar.</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="478"/>
        <location filename="../../desktop/conflicts.py" line="503"/>
        <location filename="../../desktop/conflicts.py" line="543"/>
        <source>(empty)</source>
        <translation>(kosong)</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="482"/>
        <source>typed on this computer</source>
        <translation>diisi di komputer ini</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="483"/>
        <location filename="../../desktop/conflicts.py" line="520"/>
        <source>someone</source>
        <translation>seseorang</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="484"/>
        <source>unknown time</source>
        <translation>waktu tidak diketahui</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="485"/>
        <source>by %1, %2</source>
        <translation>oleh %1, %2</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="491"/>
        <source>When</source>
        <translation>Kapan</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="491"/>
        <source>Who</source>
        <translation>Siapa</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="491"/>
        <source>Old</source>
        <translation>Lama</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="491"/>
        <source>New</source>
        <translation>Baru</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="491"/>
        <source>Where</source>
        <translation>Di mana</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="497"/>
        <source>History of this figure: loading…</source>
        <translation>Riwayat angka ini: memuat…</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="500"/>
        <source>History of this figure (newest last):</source>
        <translation>Riwayat angka ini (terbaru paling bawah):</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="510"/>
        <source>server</source>
        <translation>server</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="510"/>
        <source>this computer</source>
        <translation>komputer ini</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="523"/>
        <source>server (not applied here)</source>
        <translation>server (belum diterapkan di sini)</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="535"/>
        <source>Date</source>
        <translation>Tanggal</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="536"/>
        <source>Facility</source>
        <translation>Fasilitas</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="537"/>
        <source>Form</source>
        <translation>Formulir</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="538"/>
        <source>Figure</source>
        <translation>Isian</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="539"/>
        <source>Value</source>
        <translation>Nilai</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="540"/>
        <source>Reason</source>
        <translation>Alasan</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="554"/>
        <source>the whole day</source>
        <translation>seluruh hari</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="576"/>
        <source>Conflicts (%1)</source>
        <translation>Konflik (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="577"/>
        <source>Refused by the server (%1)</source>
        <translation>Ditolak server (%1)</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="580"/>
        <source>No open conflicts. Every figure agrees with the server.</source>
        <translation>Tidak ada konflik. Semua angka sama dengan di server.</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="585"/>
        <source>Kabar — conflicts and refused figures</source>
        <translation>Kabar — konflik dan data ditolak</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="586"/>
        <source>Two values for one figure</source>
        <translation>Dua nilai untuk satu angka</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="587"/>
        <source>My value:</source>
        <translation>Nilai saya:</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="588"/>
        <source>Server&apos;s value:</source>
        <translation>Nilai server:</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="589"/>
        <source>Keep &amp;my value (Alt+1)</source>
        <translation>Pakai nilai &amp;saya (Alt+1)</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="590"/>
        <source>Take the &amp;server&apos;s value (Alt+2)</source>
        <translation>Pakai nilai se&amp;rver (Alt+2)</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="591"/>
        <source>Or enter another value (Alt+3)</source>
        <translation>Atau isi nilai lain (Alt+3)</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="592"/>
        <source>Use &amp;this value</source>
        <translation>Pakai nilai &amp;ini</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="593"/>
        <source>I have read these: &amp;hide them</source>
        <translation>Sudah saya baca: sem&amp;bunyikan</translation>
    </message>
    <message>
        <location filename="../../desktop/conflicts.py" line="596"/>
        <source>The server refused these figures for good. They stay on this computer; the reason says what to change (often: ask your district admin).</source>
        <translation>Server menolak angka-angka ini secara tetap. Angkanya tetap tersimpan di komputer ini; alasannya menjelaskan apa yang perlu diubah (sering kali: tanyakan admin kabupaten).</translation>
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
    <name>DiagnosticsExport</name>
    <message>
        <location filename="../../desktop/diagnostics.py" line="47"/>
        <source>Save diagnostics</source>
        <translation>Simpan diagnostik</translation>
    </message>
    <message>
        <location filename="../../desktop/diagnostics.py" line="49"/>
        <source>Zip files (*.zip)</source>
        <translation>File zip (*.zip)</translation>
    </message>
    <message>
        <location filename="../../desktop/diagnostics.py" line="104"/>
        <source>The diagnostics file is still being made…</source>
        <translation>File diagnostik masih dibuat…</translation>
    </message>
    <message>
        <location filename="../../desktop/diagnostics.py" line="139"/>
        <source>Making the diagnostics file…</source>
        <translation>Membuat file diagnostik…</translation>
    </message>
    <message>
        <location filename="../../desktop/diagnostics.py" line="147"/>
        <source>The diagnostics file was saved:
%1

It contains no passwords, tokens or names, and none of the figures you typed. You can send it to your IT staff, for example over WhatsApp.</source>
        <translation>File diagnostik sudah disimpan:
%1

File ini tidak berisi kata sandi, token, atau nama, dan tidak berisi angka yang Anda ketik. Anda dapat mengirimnya ke petugas TI, misalnya lewat WhatsApp.</translation>
    </message>
    <message>
        <location filename="../../desktop/diagnostics.py" line="151"/>
        <source>Diagnostics saved: %1</source>
        <translation>Diagnostik tersimpan: %1</translation>
    </message>
    <message>
        <location filename="../../desktop/diagnostics.py" line="153"/>
        <source>Diagnostics saved</source>
        <translation>Diagnostik tersimpan</translation>
    </message>
    <message>
        <location filename="../../desktop/diagnostics.py" line="157"/>
        <source>Open folder</source>
        <translation>Buka folder</translation>
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
        <location filename="../../desktop/fieldedit.py" line="131"/>
        <source>↓ Yesterday</source>
        <extracomment>the cell&apos;s sync state when a person must look (&apos;conflict&apos; | &apos;rejected&apos;), else &quot;&quot;</extracomment>
        <translation>↓ Kemarin</translation>
    </message>
    <message>
        <location filename="../../desktop/fieldedit.py" line="132"/>
        <source>Copy from yesterday (Ctrl+D)</source>
        <translation>Salin dari kemarin (Ctrl+D)</translation>
    </message>
    <message>
        <location filename="../../desktop/fieldedit.py" line="147"/>
        <source>Yes</source>
        <translation>Ya</translation>
    </message>
    <message>
        <location filename="../../desktop/fieldedit.py" line="148"/>
        <source>No</source>
        <translation>Tidak</translation>
    </message>
    <message>
        <location filename="../../desktop/fieldedit.py" line="186"/>
        <source>Changed on the server too: choose the value (Sync › Conflicts).</source>
        <translation>Diubah juga di server: pilih nilainya (Sinkronisasi › Konflik).</translation>
    </message>
    <message>
        <location filename="../../desktop/fieldedit.py" line="190"/>
        <source>Refused by the server: see Sync › Conflicts for why.</source>
        <translation>Ditolak server: lihat alasannya di Sinkronisasi › Konflik.</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location filename="../../desktop/firstrun.py" line="40"/>
        <source>Kabar — facility and officer</source>
        <translation>Kabar — fasilitas dan petugas</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="44"/>
        <source>Choose your puskesmas and type your name. Both are saved on this computer and can be changed later from the File menu.</source>
        <translation>Pilih puskesmas Anda dan ketik nama Anda. Keduanya disimpan di komputer ini dan dapat diganti nanti lewat menu Berkas.</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="51"/>
        <source>Have a setup code?</source>
        <translation>Punya kode penyiapan?</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="57"/>
        <source>Type to filter, e.g. Sangatta</source>
        <translation>Ketik untuk menyaring, mis. Sangatta</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="61"/>
        <source>Region / facility</source>
        <translation>Wilayah / fasilitas</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="61"/>
        <source>Code</source>
        <translation>Kode</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="63"/>
        <source>&amp;Officer&apos;s name:</source>
        <translation>&amp;Nama petugas:</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="115"/>
        <source>The facility is set by your IT staff (%1).</source>
        <translation>Fasilitas ditetapkan oleh petugas TI Anda (%1).</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="118"/>
        <source>Preset by your IT staff (%1). You may choose another one; Kabar starts with the preset one again next time.</source>
        <translation>Diisi oleh petugas TI Anda (%1). Anda boleh memilih yang lain; saat dibuka lagi, Kabar kembali memakai pilihan petugas TI.</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="147"/>
        <source>Set by the setup code: server %1, %2. Type your name; you log in next.</source>
        <translation>Diatur dengan kode penyiapan: server %1, %2. Ketik nama Anda; setelah itu masuk ke server.</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="209"/>
        <source>Choose a puskesmas in the list.</source>
        <translation>Pilih puskesmas di daftar.</translation>
    </message>
    <message>
        <location filename="../../desktop/firstrun.py" line="211"/>
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
        <location filename="../../desktop/calendar.py" line="192"/>
        <source>empty</source>
        <extracomment>the states that need a person: their day gets a frame in the state&apos;s colour</extracomment>
        <translation>kosong</translation>
    </message>
    <message>
        <location filename="../../desktop/calendar.py" line="193"/>
        <source>draft</source>
        <translation>draf</translation>
    </message>
    <message>
        <location filename="../../desktop/calendar.py" line="194"/>
        <source>complete</source>
        <translation>lengkap</translation>
    </message>
    <message>
        <location filename="../../desktop/calendar.py" line="195"/>
        <source>sent</source>
        <translation>terkirim</translation>
    </message>
    <message>
        <location filename="../../desktop/calendar.py" line="196"/>
        <source>waiting</source>
        <translation>menunggu</translation>
    </message>
    <message>
        <location filename="../../desktop/calendar.py" line="197"/>
        <source>conflict</source>
        <translation>konflik</translation>
    </message>
    <message>
        <location filename="../../desktop/calendar.py" line="198"/>
        <source>refused</source>
        <translation>ditolak</translation>
    </message>
    <message>
        <location filename="../../desktop/calendar.py" line="200"/>
        <source>Every figure of the day has reached the server.</source>
        <translation>Semua angka hari itu sudah sampai di server.</translation>
    </message>
    <message>
        <location filename="../../desktop/calendar.py" line="201"/>
        <source>Some figures of the day are waiting to be sent.</source>
        <translation>Ada angka hari itu yang masih menunggu dikirim.</translation>
    </message>
    <message>
        <location filename="../../desktop/calendar.py" line="202"/>
        <source>Someone else changed the same figure: choose which value stays.</source>
        <translation>Orang lain mengubah angka yang sama: pilih nilai yang dipakai.</translation>
    </message>
    <message>
        <location filename="../../desktop/calendar.py" line="203"/>
        <source>The server refused a figure of the day; see the reason.</source>
        <translation>Server menolak angka hari itu; lihat alasannya.</translation>
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
    <name>LoginDialog</name>
    <message>
        <location filename="../../desktop/login.py" line="151"/>
        <source>Kabar — log in to the server</source>
        <extracomment>(server URL, username, password) -&gt; sync.transport.LoginResult; runs on a worker thread</extracomment>
        <translation>Kabar — masuk ke server</translation>
    </message>
    <message>
        <location filename="../../desktop/login.py" line="154"/>
        <source>Log in once with the account your district admin gave you. Afterwards Kabar sends your figures in the background whenever there is a signal. Without logging in, everything still works on this computer.</source>
        <translation>Masuk sekali dengan akun dari admin kabupaten Anda. Sesudah itu Kabar mengirim angka Anda di latar belakang setiap kali ada sinyal. Tanpa masuk pun, semua tetap bisa dipakai di komputer ini.</translation>
    </message>
    <message>
        <location filename="../../desktop/login.py" line="159"/>
        <source>Server &amp;address:</source>
        <translation>&amp;Alamat server:</translation>
    </message>
    <message>
        <location filename="../../desktop/login.py" line="161"/>
        <source>Set by your IT staff (%1); it cannot be changed here.</source>
        <translation>Ditetapkan oleh petugas TI Anda (%1); tidak dapat diubah di sini.</translation>
    </message>
    <message>
        <location filename="../../desktop/login.py" line="165"/>
        <source>Have a setup code?</source>
        <translation>Punya kode penyiapan?</translation>
    </message>
    <message>
        <location filename="../../desktop/login.py" line="166"/>
        <source>&amp;Username:</source>
        <translation>Nama &amp;pengguna:</translation>
    </message>
    <message>
        <location filename="../../desktop/login.py" line="167"/>
        <source>&amp;Password:</source>
        <translation>&amp;Kata sandi:</translation>
    </message>
    <message>
        <location filename="../../desktop/login.py" line="168"/>
        <source>Log in</source>
        <translation>Masuk</translation>
    </message>
    <message>
        <location filename="../../desktop/login.py" line="169"/>
        <source>Contacting the server…</source>
        <translation>Menghubungi server…</translation>
    </message>
    <message>
        <location filename="../../desktop/login.py" line="190"/>
        <source>Type the server address, starting with http:// or https:// (ask your district admin).</source>
        <translation>Ketik alamat server, diawali http:// atau https:// (tanyakan admin kabupaten).</translation>
    </message>
    <message>
        <location filename="../../desktop/login.py" line="194"/>
        <source>The server address set by your IT staff is missing or not usable; please ask them to fix the site settings file.</source>
        <translation>Alamat server dari petugas TI Anda tidak ada atau tidak dapat dipakai; mintalah mereka memperbaiki berkas pengaturan situs.</translation>
    </message>
    <message>
        <location filename="../../desktop/login.py" line="197"/>
        <source>Type your username.</source>
        <translation>Ketik nama pengguna Anda.</translation>
    </message>
    <message>
        <location filename="../../desktop/login.py" line="198"/>
        <source>Type your password.</source>
        <translation>Ketik kata sandi Anda.</translation>
    </message>
    <message>
        <location filename="../../desktop/login.py" line="200"/>
        <source>Logging in failed because of an unexpected problem. Your figures are safe on this computer; please tell your IT staff.</source>
        <translation>Gagal masuk karena masalah yang tidak terduga. Angka Anda aman di komputer ini; mohon beri tahu petugas TI.</translation>
    </message>
    <message>
        <location filename="../../desktop/login.py" line="209"/>
        <source>Try again in about %1 minute(s).</source>
        <translation>Coba lagi sekitar %1 menit lagi.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/mainwindow.py" line="246"/>
        <source>Future dates cannot be filled in. Choose today or earlier.</source>
        <translation>Tanggal yang akan datang tidak bisa diisi. Pilih hari ini atau sebelumnya.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="254"/>
        <source>Changes for %1 were saved as a draft.</source>
        <translation>Perubahan untuk %1 disimpan sebagai draf.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="412"/>
        <source>Put the cursor in a stock field first.</source>
        <translation>Letakkan kursor di kolom stok dulu.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="417"/>
        <source>%1 is not a stock field.</source>
        <translation>%1 bukan kolom stok.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="422"/>
        <source>No value from yesterday for %1.</source>
        <translation>Tidak ada nilai kemarin untuk %1.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="425"/>
        <source>Copied from yesterday: %1</source>
        <translation>Disalin dari kemarin: %1</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="436"/>
        <source>Copied %1 stock fields from yesterday.</source>
        <translation>%1 kolom stok disalin dari kemarin.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="457"/>
        <source>Not saved because of a typing error: %1</source>
        <translation>Tidak disimpan karena salah ketik: %1</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="461"/>
        <source>Nothing to save: no changes.</source>
        <translation>Tidak ada yang perlu disimpan: belum ada perubahan.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="483"/>
        <source>%1 marked complete.</source>
        <translation>%1 ditandai lengkap.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="505"/>
        <source>Cannot mark complete yet: fix %1 error(s) first.</source>
        <translation>Belum bisa ditandai lengkap: perbaiki dulu %1 kesalahan.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="516"/>
        <source>Cannot mark complete yet: tick &quot;I have checked this&quot; for %1 warning(s).</source>
        <translation>Belum bisa ditandai lengkap: centang &quot;Sudah saya periksa&quot; pada %1 peringatan.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="532"/>
        <source>Put the cursor in a field first.</source>
        <translation>Letakkan kursor di sebuah kolom dulu.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="569"/>
        <source>Exporting…</source>
        <translation>Mengekspor…</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="573"/>
        <source>Exported to %1</source>
        <translation>Diekspor ke %1</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="615"/>
        <source>Keyboard keys</source>
        <translation>Tombol keyboard</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="622"/>
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
Ctrl+E: export
F5: sync now
Ctrl+K: conflicts and refused figures</source>
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
Ctrl+E: ekspor
F5: sinkronkan sekarang
Ctrl+K: konflik dan data ditolak</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="645"/>
        <source>Unexpected error (please report it): %1</source>
        <translation>Kesalahan tak terduga (mohon laporkan): %1</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="647"/>
        <source>Kabar</source>
        <translation>Kabar</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="659"/>
        <source>Someone else changed a figure of this day on the server too. Nothing was overwritten: choose which value stays.</source>
        <translation>Orang lain juga mengubah angka hari ini di server. Tidak ada yang ditimpa: pilih nilai yang dipakai.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="662"/>
        <source>Settle the conflict…</source>
        <translation>Selesaikan konflik…</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="664"/>
        <source>The server refused a figure of this day. See why:</source>
        <translation>Server menolak angka hari ini. Lihat alasannya:</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="665"/>
        <source>Refused figures…</source>
        <translation>Data ditolak…</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="668"/>
        <source>Figures of this day were changed on the server. Your unsaved typing is kept on screen; save it, then check the cell history (F2).</source>
        <translation>Angka hari ini diubah di server. Isian Anda yang belum disimpan tetap di layar; simpan dulu, lalu periksa riwayat isian (F2).</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="673"/>
        <source>Figures of this day were corrected on the server and are shown now.</source>
        <translation>Angka hari ini dikoreksi di server dan sekarang ditampilkan.</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="710"/>
        <source>Kabar — %1</source>
        <translation>Kabar — %1</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="711"/>
        <source>Officer: %1</source>
        <translation>Petugas: %1</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="713"/>
        <source>Save draft (Ctrl+S)</source>
        <translation>Simpan draf (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="714"/>
        <source>Mark complete (Ctrl+Enter)</source>
        <translation>Tandai lengkap (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="720"/>
        <source>Loading…</source>
        <translation>Memuat…</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="723"/>
        <source>empty</source>
        <translation>kosong</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="724"/>
        <source>draft</source>
        <translation>draf</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="725"/>
        <source>complete</source>
        <translation>lengkap</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="734"/>
        <source>Complete</source>
        <translation>Lengkap</translation>
    </message>
    <message>
        <location filename="../../desktop/mainwindow.py" line="748"/>
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
    <name>SetupCodeDialog</name>
    <message>
        <location filename="../../desktop/setupcode.py" line="137"/>
        <source>Kabar — setup code</source>
        <translation>Kabar — kode penyiapan</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="140"/>
        <source>Paste the setup code your district IT staff sent you (it starts with KABAR1-), or scan its QR code with a barcode scanner. Then press Enter.</source>
        <translation>Tempel kode penyiapan yang dikirim petugas TI Dinas (diawali KABAR1-), atau pindai kode QR-nya dengan pemindai kode batang. Lalu tekan Enter.</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="144"/>
        <source>Apply</source>
        <translation>Terapkan</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="145"/>
        <source>Contacting the server…</source>
        <translation>Menghubungi server…</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="163"/>
        <source>%1 (not yet in this computer&apos;s list; it will be added)</source>
        <translation>%1 (belum ada di daftar komputer ini; akan ditambahkan)</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="169"/>
        <source>This code sets:</source>
        <translation>Kode ini mengatur:</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="170"/>
        <source>Server: %1</source>
        <translation>Server: %1</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="171"/>
        <source>Facility: %1</source>
        <translation>Fasilitas: %1</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="172"/>
        <source>Valid until: %1</source>
        <translation>Berlaku sampai: %1</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="175"/>
        <source>Check that the server is the one your IT staff named before you apply. Each code works once.</source>
        <translation>Pastikan server ini sama dengan yang disebut petugas TI sebelum menerapkan. Setiap kode hanya berlaku sekali.</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="180"/>
        <source>Note: this server does not use encryption (http).</source>
        <translation>Catatan: server ini tidak memakai enkripsi (http).</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="196"/>
        <source>Paste the setup code first.</source>
        <translation>Tempel kode penyiapan terlebih dahulu.</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="198"/>
        <source>The code cannot be read: it is mistyped, cut off or damaged. Copy the whole code from the message again.</source>
        <translation>Kode tidak terbaca: salah ketik, terpotong, atau rusak. Salin lagi seluruh kode dari pesan.</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="202"/>
        <source>This setup code has expired. Ask your district IT staff for a new one.</source>
        <translation>Kode penyiapan ini sudah kedaluwarsa. Minta kode baru ke petugas TI Dinas.</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="205"/>
        <source>This setup code has already been used; each code works only once. Ask your district IT staff for a new one.</source>
        <translation>Kode penyiapan ini sudah pernah dipakai; setiap kode hanya berlaku sekali. Minta kode baru ke petugas TI Dinas.</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="209"/>
        <source>This setup code is not valid for its server. Ask your district IT staff for a new one.</source>
        <translation>Kode penyiapan ini tidak sah untuk servernya. Minta kode baru ke petugas TI Dinas.</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="213"/>
        <source>This setup code was not made by a server this computer trusts. Do not use it; contact your district IT staff.</source>
        <translation>Kode penyiapan ini tidak dibuat oleh server yang dipercaya komputer ini. Jangan dipakai; hubungi petugas TI Dinas.</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="217"/>
        <source>The server&apos;s certificate does not match — do not go on, contact your district IT staff.</source>
        <translation>Sertifikat server tidak cocok — jangan lanjutkan, hubungi TI Dinas.</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="221"/>
        <source>Your IT staff locked this computer to another server; a setup code for %1 cannot be used here.</source>
        <translation>Petugas TI telah mengunci komputer ini ke server lain; kode penyiapan untuk %1 tidak dapat dipakai di sini.</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="225"/>
        <source>The facility in this code is not known on the server. Contact your district IT staff.</source>
        <translation>Fasilitas dalam kode ini tidak dikenal di server. Hubungi petugas TI Dinas.</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="229"/>
        <source>Cannot reach the server %1. Check the internet connection and try again; the code stays valid until it is used.</source>
        <translation>Tidak dapat menghubungi server %1. Periksa sambungan internet lalu coba lagi; kode tetap berlaku sampai dipakai.</translation>
    </message>
    <message>
        <location filename="../../desktop/setupcode.py" line="233"/>
        <source>Applying the code failed because of an unexpected problem. Nothing was changed; please tell your IT staff.</source>
        <translation>Penerapan kode gagal karena masalah yang tidak terduga. Tidak ada yang diubah; mohon beri tahu petugas TI.</translation>
    </message>
</context>
<context>
    <name>SiteNotice</name>
    <message>
        <location filename="../../desktop/sitenotice.py" line="24"/>
        <source>The site settings file from your IT staff cannot be used: %1 Until it is fixed, the server address cannot be changed here. Your figures are safe.</source>
        <translation>Berkas pengaturan situs dari petugas TI Anda tidak dapat dipakai: %1 Sampai diperbaiki, alamat server tidak dapat diubah di sini. Angka Anda tetap aman.</translation>
    </message>
    <message>
        <location filename="../../desktop/sitenotice.py" line="32"/>
        <source>The facility code %1 in the site settings file %2 is not in the list of facilities; Kabar uses %3 instead. Please tell your IT staff.</source>
        <translation>Kode fasilitas %1 dalam berkas pengaturan situs %2 tidak ada dalam daftar fasilitas; Kabar memakai %3. Mohon beri tahu petugas TI Anda.</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../../desktop/statusbar.py" line="170"/>
        <source>%1 days</source>
        <extracomment>beyond this the engine&apos;s clock check speaks up (the contract&apos;s ten minutes) connection states, as shown in ``connection_label``</extracomment>
        <translation>%1 hari</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="172"/>
        <source>%1 hours</source>
        <translation>%1 jam</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="173"/>
        <source>ahead</source>
        <translation>lebih cepat</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="173"/>
        <source>behind</source>
        <translation>lebih lambat</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="176"/>
        <source>This computer&apos;s clock seems wrong (%1 %2). Figures are still sent in the right order; please correct the clock in Windows.</source>
        <translation>Jam komputer ini tampaknya salah (%1 %2). Data tetap terkirim dengan urutan yang benar; betulkan jam di Windows.</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="189"/>
        <source>Saved %1</source>
        <translation>Tersimpan %1</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="191"/>
        <source>Not saved yet</source>
        <translation>Belum disimpan</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="193"/>
        <source>Saving…</source>
        <translation>Menyimpan…</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="197"/>
        <source>%1 not sent yet</source>
        <translation>%1 belum terkirim</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="200"/>
        <location filename="../../desktop/statusbar.py" line="220"/>
        <source>Server: %1</source>
        <translation>Server: %1</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="202"/>
        <source>No server set</source>
        <translation>Server belum diatur</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="209"/>
        <source>Not logged in to the server</source>
        <translation>Belum masuk ke server</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="210"/>
        <source>Syncing…</source>
        <translation>Menyinkronkan…</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="211"/>
        <source>Online</source>
        <translation>Daring</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="212"/>
        <source>Offline</source>
        <translation>Luring</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="213"/>
        <source>Log in again to send</source>
        <translation>Masuk lagi untuk mengirim</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="214"/>
        <source>Update Kabar to send</source>
        <translation>Perbarui Kabar untuk mengirim</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="223"/>
        <source>Last sync: %1</source>
        <translation>Terakhir sinkron: %1</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="226"/>
        <source>Never synced</source>
        <translation>Belum pernah sinkron</translation>
    </message>
    <message>
        <location filename="../../desktop/statusbar.py" line="236"/>
        <source>⚠ Check the clock</source>
        <translation>⚠ Periksa jam</translation>
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
<context>
    <name>SyncControls</name>
    <message>
        <location filename="../../desktop/syncui.py" line="63"/>
        <source>Syncing with the server…</source>
        <translation>Menyinkronkan dengan server…</translation>
    </message>
    <message>
        <location filename="../../desktop/syncui.py" line="82"/>
        <source>%1 sent</source>
        <translation>%1 terkirim</translation>
    </message>
    <message>
        <location filename="../../desktop/syncui.py" line="84"/>
        <source>%1 received</source>
        <translation>%1 diterima</translation>
    </message>
    <message>
        <location filename="../../desktop/syncui.py" line="85"/>
        <source>Sync done: %1.</source>
        <translation>Sinkron selesai: %1.</translation>
    </message>
    <message>
        <location filename="../../desktop/syncui.py" line="91"/>
        <source>%1 figure(s) were changed by someone else too: choose which value stays.</source>
        <translation>%1 angka juga diubah orang lain: pilih nilai yang dipakai.</translation>
    </message>
    <message>
        <location filename="../../desktop/syncui.py" line="130"/>
        <source>A new version of Kabar, %1, is available (this computer has %2). Ask your IT staff to install it when convenient; your figures stay safe meanwhile.</source>
        <translation>Versi baru Kabar %1 tersedia (di komputer ini %2). Mintalah petugas TI memasangnya bila sempat; angka Anda tetap aman.</translation>
    </message>
    <message>
        <location filename="../../desktop/syncui.py" line="142"/>
        <source>This version of Kabar is too old for the server. Your figures are kept and will be sent after Kabar is updated; please ask your IT staff for the update.</source>
        <translation>Versi Kabar ini terlalu lama untuk server. Angka Anda tetap tersimpan dan akan dikirim setelah Kabar diperbarui; mintalah pembaruan kepada petugas TI.</translation>
    </message>
    <message>
        <location filename="../../desktop/syncui.py" line="185"/>
        <source>Log in to the server to send your figures. They stay safe here meanwhile.</source>
        <translation>Masuk ke server untuk mengirim angka Anda. Sementara itu angka tetap aman di sini.</translation>
    </message>
    <message>
        <location filename="../../desktop/syncui.py" line="198"/>
        <source>Logged in as %1. Figures are sent in the background.</source>
        <translation>Masuk sebagai %1. Angka dikirim di latar belakang.</translation>
    </message>
    <message>
        <location filename="../../desktop/syncui.py" line="206"/>
        <source>Windows could not keep the login safely on this computer, so it lasts until Kabar is closed; next time you will be asked to log in again.</source>
        <translation>Windows tidak dapat menyimpan tanda masuk dengan aman di komputer ini, jadi hanya berlaku sampai Kabar ditutup; lain kali Anda akan diminta masuk lagi.</translation>
    </message>
    <message>
        <location filename="../../desktop/syncui.py" line="213"/>
        <source>This account may not report for %1: the server will refuse its figures. Check the facility (File menu) or ask your district admin.</source>
        <translation>Akun ini mungkin tidak berhak melapor untuk %1: server akan menolak angkanya. Periksa fasilitas (menu Berkas) atau tanyakan admin kabupaten.</translation>
    </message>
    <message>
        <location filename="../../desktop/syncui.py" line="279"/>
        <source>Saved. It is sent with the next sync.</source>
        <translation>Tersimpan. Dikirim pada sinkron berikutnya.</translation>
    </message>
    <message>
        <location filename="../../desktop/syncui.py" line="280"/>
        <source>Conflict settled; sending it…</source>
        <translation>Konflik diselesaikan; sedang dikirim…</translation>
    </message>
    <message>
        <location filename="../../desktop/syncui.py" line="291"/>
        <source>Not saved: an unexpected problem.</source>
        <translation>Tidak tersimpan: ada masalah yang tidak terduga.</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <location filename="../../desktop/unlock.py" line="109"/>
        <source>Kabar — unlock</source>
        <extracomment>password -&gt; does it match the stored verifier; runs on a worker thread</extracomment>
        <translation>Kabar — buka kunci</translation>
    </message>
    <message>
        <location filename="../../desktop/unlock.py" line="112"/>
        <source>This computer is linked to the account %1. Type its password to open Kabar. The password is checked on this computer only; no signal is needed.</source>
        <translation>Komputer ini terhubung dengan akun %1. Ketik kata sandinya untuk membuka Kabar. Kata sandi hanya diperiksa di komputer ini; tidak perlu sinyal.</translation>
    </message>
    <message>
        <location filename="../../desktop/unlock.py" line="116"/>
        <source>&amp;Password:</source>
        <translation>&amp;Kata sandi:</translation>
    </message>
    <message>
        <location filename="../../desktop/unlock.py" line="117"/>
        <source>Open</source>
        <translation>Buka</translation>
    </message>
    <message>
        <location filename="../../desktop/unlock.py" line="118"/>
        <source>Quit</source>
        <translation>Keluar</translation>
    </message>
    <message>
        <location filename="../../desktop/unlock.py" line="119"/>
        <source>Forgot your password?</source>
        <translation>Lupa kata sandi?</translation>
    </message>
    <message>
        <location filename="../../desktop/unlock.py" line="122"/>
        <source>Ask your district admin to set a new password for your account. Then log in to the server once (this needs a signal): the new password replaces the old one on this computer. Figures already saved here are kept.</source>
        <translation>Mintalah admin kabupaten membuat kata sandi baru untuk akun Anda. Lalu masuk ke server sekali (perlu sinyal): kata sandi baru menggantikan yang lama di komputer ini. Angka yang sudah tersimpan di sini tetap ada.</translation>
    </message>
    <message>
        <location filename="../../desktop/unlock.py" line="127"/>
        <source>Log in to the server…</source>
        <translation>Masuk ke server…</translation>
    </message>
    <message>
        <location filename="../../desktop/unlock.py" line="138"/>
        <source>Type your password.</source>
        <translation>Ketik kata sandi Anda.</translation>
    </message>
    <message>
        <location filename="../../desktop/unlock.py" line="139"/>
        <source>Wrong password. Check Caps Lock and try again.</source>
        <translation>Kata sandi salah. Periksa Caps Lock lalu coba lagi.</translation>
    </message>
    <message>
        <location filename="../../desktop/unlock.py" line="141"/>
        <source>The password could not be checked because of an unexpected problem. Please tell your IT staff.</source>
        <translation>Kata sandi tidak dapat diperiksa karena masalah yang tidak terduga. Mohon beri tahu petugas TI.</translation>
    </message>
</context>
</TS>
