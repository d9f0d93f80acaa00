"""Page-furniture words of languages beyond Chinese and English: menu labels and buttons, share widgets,
copyright notices and the first link of a breadcrumb, in Japanese, Korean, Russian, German, French,
Spanish, Portuguese, Italian, Indonesian, Turkish, Polish, Vietnamese, Arabic and Persian.

The Chinese and English ones are the patterns of :mod:`dedup.webpage.features`. These are plain
words, matched on the reading views of lines (NFKC, Simplified, lower case): each word is put
through the same view when first needed (the view turns Japanese 関連記事 into 関连记事), so they
are written here as a reader of each language would write them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..normalize import matching_texts
from .base import _EDGE_CHARS, _VIEW

# Menu labels and buttons: a line that is one of them (its edges and a count such as "(12)" aside) is a label.
_LABELS = (
    # Japanese
    "ホーム|トップ|トップページ|ログイン|ログアウト|新規登録|会員登録|検索|サイトマップ|お問い合わせ|問い合わせ|"
    "利用規約|プライバシーポリシー|個人情報保護方針|会社概要|運営会社|ヘルプ|よくある質問|メニュー|次へ|前へ|"
    "次のページ|前のページ|一覧|もっと見る|続きを読む|印刷|閉じる|戻る|トップへ戻る|ページトップ|ページの先頭へ|"
    "関連記事|人気記事|おすすめ|新着|新着記事|ランキング|コメント|コメントする|タグ|カテゴリ|カテゴリー|"
    "アーカイブ|お知らせ|日本語|"
    # Korean
    "홈|처음으로|로그인|로그아웃|회원가입|검색|사이트맵|고객센터|문의|이용약관|개인정보처리방침|개인정보취급방침|"
    "회사소개|도움말|메뉴|전체메뉴|다음|이전|다음글|이전글|목록|더보기|인쇄|닫기|맨위로|위로|관련기사|인기기사|"
    "많이 본 기사|최신기사|댓글|구독|태그|카테고리|공지사항|한국어|"
    # Russian
    "главная|главная страница|на главную|вход|войти|выход|регистрация|поиск|найти|карта сайта|контакты|о нас|"
    "о компании|помощь|меню|далее|назад|следующая|предыдущая|подробнее|читать далее|читать полностью|показать ещё|"
    "печать|версия для печати|закрыть|наверх|похожие статьи|читайте также|популярное|комментарии|"
    "оставить комментарий|подписаться|теги|рубрики|архив|политика конфиденциальности|пользовательское соглашение|"
    # German
    "startseite|anmelden|abmelden|registrieren|suche|suchen|kontakt|impressum|datenschutz|datenschutzerklärung|agb|"
    "über uns|hilfe|menü|weiter|zurück|mehr|mehr lesen|weiterlesen|drucken|schließen|nach oben|ähnliche artikel|"
    "kommentare|kommentieren|abonnieren|schlagwörter|kategorien|archiv|"
    # French
    "accueil|connexion|se connecter|déconnexion|inscription|s'inscrire|rechercher|recherche|contactez-nous|"
    "mentions légales|politique de confidentialité|à propos|aide|suivant|précédent|lire la suite|imprimer|fermer|"
    "haut de page|retour en haut|articles similaires|commentaires|commenter|s'abonner|catégories|"
    # Spanish
    "inicio|iniciar sesión|cerrar sesión|registrarse|buscar|contacto|contáctenos|aviso legal|política de privacidad|"
    "acerca de|quiénes somos|ayuda|menú|siguiente|anterior|leer más|ver más|imprimir|cerrar|volver arriba|"
    "artículos relacionados|comentarios|comentar|suscribirse|categorías|archivo|"
    # Portuguese
    "início|página inicial|entrar|sair|cadastre-se|pesquisar|contato|fale conosco|política de privacidade|"
    "termos de uso|sobre nós|ajuda|próximo|leia mais|saiba mais|fechar|voltar ao topo|artigos relacionados|"
    "comentários|assinar|categorias|arquivo|"
    # Italian
    "accedi|esci|registrati|cerca|contatti|chi siamo|informativa privacy|aiuto|successivo|precedente|leggi tutto|"
    "leggi di più|stampa|chiudi|torna su|articoli correlati|commenti|commenta|iscriviti|categorie|archivio|"
    # Indonesian
    "beranda|masuk|keluar|daftar|cari|pencarian|hubungi kami|tentang kami|kebijakan privasi|syarat dan ketentuan|"
    "bantuan|selanjutnya|sebelumnya|baca selengkapnya|baca juga|lihat semua|cetak|tutup|kembali ke atas|"
    "artikel terkait|berita terkait|komentar|berlangganan|kategori|arsip|terpopuler|terbaru|"
    # Turkish
    "ana sayfa|anasayfa|giriş|giriş yap|çıkış|kayıt ol|üye ol|arama|iletişim|hakkımızda|gizlilik politikası|"
    "kullanım koşulları|yardım|sonraki|önceki|devamını oku|daha fazla|yazdır|kapat|ilgili haberler|"
    "benzer haberler|yorumlar|yorum yap|abone ol|etiketler|kategoriler|arşiv|"
    # Polish
    "strona główna|zaloguj|zaloguj się|wyloguj|zarejestruj się|rejestracja|szukaj|wyszukaj|o nas|"
    "polityka prywatności|regulamin|pomoc|następny|poprzedni|czytaj więcej|więcej|drukuj|zamknij|do góry|"
    "komentarze|skomentuj|subskrybuj|archiwum|"
    # Vietnamese
    "trang chủ|đăng nhập|đăng xuất|đăng ký|tìm kiếm|liên hệ|giới thiệu|chính sách bảo mật|điều khoản sử dụng|"
    "trợ giúp|xem thêm|đọc tiếp|đóng|lên đầu trang|tin liên quan|bài viết liên quan|bình luận|theo dõi|chuyên mục|"
    # Arabic
    "الرئيسية|الصفحة الرئيسية|تسجيل الدخول|تسجيل الخروج|بحث|اتصل بنا|من نحن|سياسة الخصوصية|شروط الاستخدام|مساعدة|"
    "القائمة|التالي|السابق|اقرأ المزيد|المزيد|طباعة|إغلاق|أعلى الصفحة|مقالات ذات صلة|أخبار ذات صلة|تعليقات|"
    "التعليقات|اشترك|الأقسام|الأرشيف|"
    # Persian
    "خانه|صفحه اصلی|ورود|خروج|ثبت نام|جستجو|تماس با ما|درباره ما|حریم خصوصی|قوانین|راهنما|منو|بعدی|قبلی|"
    "ادامه مطلب|بیشتر|چاپ|بستن|مطالب مرتبط|اخبار مرتبط|نظرات|ارسال نظر|دسته بندی|آرشیو"
)
# Share widgets: a line that is one of them is a share label.
_SHARES = (
    "シェア|シェアする|ツイート|いいね|ブックマーク|はてなブックマーク|공유|공유하기|좋아요|카카오톡|카카오스토리|"
    "네이버 블로그|поделиться|вконтакте|одноклассники|teilen|partager|compartir|compartilhar|condividi|bagikan|"
    "paylaş|udostępnij|chia sẻ|مشاركة|شارك|اشتراک گذاری"
)
# Copyright and terms notices, found anywhere in a short line.
_COPYRIGHTS = (
    "無断転載|無断複製|著作権|저작권|무단 전재|무단전재|재배포 금지|все права защищены|alle rechte vorbehalten|"
    "tous droits réservés|todos los derechos reservados|todos os direitos reservados|tutti i diritti riservati|"
    "hak cipta dilindungi|tüm hakları saklıdır|wszelkie prawa zastrzeżone|bản quyền|جميع الحقوق محفوظة|"
    "کلیه حقوق|تمامی حقوق"
)
# The first link of a breadcrumb ("ホーム > ニュース > 経済").
_HOMES = (
    "ホーム|トップ|홈|главная|startseite|accueil|inicio|início|beranda|ana sayfa|anasayfa|strona główna|"
    "trang chủ|الرئيسية|خانه|صفحه اصلی"
)
_STRIPPED = " \t\u3000" + _EDGE_CHARS
_COUNT = re.compile(r"\(\d+\)$")


def _views(words: str) -> list[str]:
    """The reading views of ``|``-separated words."""
    return [view.strip() for view in matching_texts(words.split("|"), _VIEW) if view.strip()]


@lru_cache(maxsize=1)
def _labels() -> frozenset[str]:
    return frozenset(_views(_LABELS))


@lru_cache(maxsize=1)
def _shares() -> frozenset[str]:
    return frozenset(_views(_SHARES))


@lru_cache(maxsize=1)
def copyright_pattern() -> re.Pattern[str]:
    """Searched on reading views: a copyright or terms notice in one of these languages."""
    return re.compile("|".join(map(re.escape, _views(_COPYRIGHTS))))


@lru_cache(maxsize=1)
def breadcrumb_pattern() -> re.Pattern[str]:
    """Searched on reading views: a line that starts with a home link and a path separator."""
    homes = "|".join(map(re.escape, _views(_HOMES)))
    return re.compile(rf"^\W*(?:{homes})\s*(?:>>?|»|›|＞|→|/)")


def _bare(view: str) -> str:
    """A view without its edges (brackets, bars, arrows, spaces …) and a count such as "(12)"."""
    return _COUNT.sub("", view.rstrip()).strip(_STRIPPED)


def is_label(view: str) -> bool:
    """Whether a reading view is one of these languages' menu labels or buttons (edges and a count aside)."""
    return _bare(view) in _labels()


def is_share(view: str) -> bool:
    """Whether a reading view is one of these languages' share labels (edges aside)."""
    return _bare(view) in _shares()
